package io.micro.server;

import io.micro.codec.Envelope;
import io.micro.errors.MicroException;
import io.micro.transport.Message;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * How one request is answered: bare mucp bodies or a legacy envelope, the content type, and the id
 * to echo. Builds the reply messages in go-micro's shapes (protocol doc Part F).
 *
 * @param envelope the legacy envelope, or null for bare bodies
 * @param contentType the request's content type as sent (or the default)
 * @param id the request id to echo (mucp {@code Micro-Id} or the envelope id); may be empty
 * @param endpoint the requested endpoint, echoed in proto-RPC replies; may be empty
 */
record Route(@Nullable Envelope envelope, String contentType, String id, String endpoint) {

  static final String ERROR = "Micro-Error";
  static final String X_ERROR = "X-Micro-Error";

  /** A copy with the id and endpoint read from an envelope. */
  Route with(String newId, String newEndpoint) {
    return new Route(envelope, contentType, newId, newEndpoint);
  }

  /** A successful reply carrying {@code body}, already encoded by the body codec. */
  Message success(byte[] body) {
    Map<String, String> h = new LinkedHashMap<>(4);
    h.put("Content-Type", contentType);
    ids(h);
    if (envelope == null) {
      return new Message(h, body);
    }
    return new Message(h, envelope.writeResponse(new Envelope.Frame(endpoint, id, body, "")));
  }

  /** An error reply: mucp puts it in {@code Micro-Error}; envelopes also carry it inside. */
  Message error(MicroException error) {
    String json = error.toJson();
    Map<String, String> h = new LinkedHashMap<>(6);
    h.put(ERROR, json);
    h.put(X_ERROR, json);
    ids(h);
    if (envelope == null) {
      return new Message(h, new byte[0]);
    }
    h.put("Content-Type", contentType);
    return new Message(h, envelope.writeResponse(new Envelope.Frame(endpoint, id, null, json)));
  }

  private void ids(Map<String, String> h) {
    if (!id.isEmpty()) {
      String plain = id.length() >= 2 && id.startsWith("\"") && id.endsWith("\"")
          ? id.substring(1, id.length() - 1) : id; // a JSON-RPC string id travels raw: "abc"
      h.put("Micro-Id", plain);
      if (envelope != null) {
        h.put("X-Micro-Id", plain);
      }
    }
  }

  /** The reply to a content type nobody speaks: 200, text/plain, as go-micro does. */
  static Message unsupported(String contentType) {
    return new Message(Map.of("Content-Type", "text/plain"),
        ("unsupported Content-Type: " + contentType).getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
