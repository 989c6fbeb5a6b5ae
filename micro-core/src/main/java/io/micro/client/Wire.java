package io.micro.client;

import io.micro.codec.Codec;
import io.micro.codec.Codecs;
import io.micro.codec.Envelope;
import io.micro.errors.MicroException;
import io.micro.metadata.Metadata;
import io.micro.registry.Node;
import io.micro.transport.Message;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The client's half of the wire protocol (go-micro protocol B.3-B.5): builds the request message
 * for a node, mucp or legacy envelope, and reads the reply.
 */
final class Wire {
  /**
   * Inherited metadata that must not travel on: HTTP framing headers and the per-message
   * {@code Micro-*} headers of the request being served (the call sets its own).
   */
  private static final Set<String> NOT_INHERITED = Set.of(
      "Content-Length", "Transfer-Encoding", "Connection", "Host", "Keep-Alive", "Upgrade", "Te",
      "Trailer", "Proxy-Connection", "Micro-Topic", "Micro-Stream", "Micro-Error", "Micro-Target",
      "Micro-Protocol", "X-Micro-Service", "X-Micro-Endpoint", "X-Micro-Method", "X-Micro-Id",
      "X-Micro-Error", "X-Micro-Stream", "X-Micro-Topic");

  private final Codecs codecs;

  Wire(Codecs codecs) {
    this.codecs = codecs;
  }

  /**
   * The metadata a call sends: {@code inherited} (the request being served) without framing and
   * per-message headers, then the request's, then the call options'.
   */
  static Metadata merge(Metadata inherited, Metadata request, Metadata call) {
    Metadata m = inherited;
    for (String k : inherited.asMap().keySet()) {
      if (NOT_INHERITED.contains(k)) {
        m = m.without(k);
      }
    }
    return m.merge(request).merge(call);
  }

  /**
   * True when {@code node} is spoken to with mucp: it advertises a non-empty {@code protocol} (nodes
   * made from plain addresses do). Otherwise it gets a legacy envelope.
   */
  static boolean speaksMucp(Node node) {
    String protocol = node.metadata().get("protocol");
    return protocol != null && !protocol.isEmpty();
  }

  /** The encoded request body (bare, before any envelope). */
  byte[] encodeBody(Request request, String contentType, boolean mucp) {
    Codec codec = mucp ? codec(contentType) : envelope(contentType).bodyCodec();
    try {
      return codec.marshal(request.body());
    } catch (MicroException e) {
      throw e;
    } catch (RuntimeException e) {
      throw MicroException.badRequest(RetryPolicy.CLIENT_ID, "request body of %s as %s: %s",
          request.endpoint(), contentType, e.getMessage()).withCause(e);
    }
  }

  /**
   * The message for one attempt.
   *
   * @param body the bare encoded body ({@link #encodeBody})
   */
  Message request(Request request, String contentType, boolean mucp, byte[] body, long id,
      Duration timeout) {
    Map<String, String> h = new LinkedHashMap<>(request.metadata().asMap());
    String idText = Long.toString(id);
    byte[] payload = body;
    String wireType = contentType;
    if (!mucp) {
      Envelope envelope = envelope(contentType);
      wireType = legacyContentType(contentType);
      payload = envelope.writeRequest(new Envelope.Frame(request.endpoint(), idText, body, ""));
    }
    h.put("Content-Type", wireType);
    h.put("Accept", contentType);
    h.put("Timeout", Long.toString(timeout.toNanos()));
    h.put("Micro-Id", idText);
    h.put("Micro-Service", request.service());
    h.put("Micro-Endpoint", request.endpoint());
    h.put("Micro-Method", request.endpoint());
    return new Message(h, payload);
  }

  /**
   * The decoded reply body, or the error it carries: a {@code Micro-Error} header, a legacy
   * envelope error, or a {@code text/plain} body from a server that did not understand the request.
   */
  @Nullable Object reply(Message reply, String contentType, boolean mucp, Type responseType) {
    String error = reply.micro("Error");
    if (error != null && !error.isEmpty()) {
      throw MicroException.parse(error);
    }
    String replyType = reply.header("Content-Type");
    byte[] body = reply.body();
    Codec codec;
    if (replyType != null && Codecs.mediaType(replyType).startsWith("text/")
        && codecs.forContentType(replyType).isEmpty()) {
      throw MicroException.parse(new String(body, StandardCharsets.UTF_8));
    }
    if (mucp) {
      codec = replyType == null ? codec(contentType)
          : codecs.forContentType(replyType).orElseGet(() -> codec(contentType));
    } else {
      Envelope envelope = replyType == null ? envelope(contentType)
          : codecs.envelopeFor(replyType).orElseGet(() -> envelope(contentType));
      Envelope.Frame frame = envelope.readResponse(body);
      if (!frame.error().isEmpty()) {
        throw MicroException.parse(frame.error());
      }
      codec = envelope.bodyCodec();
      body = frame.body() == null ? new byte[0] : frame.body();
    }
    if (responseType == Void.class || responseType == void.class) {
      return null;
    }
    try {
      return codec.unmarshal(body, responseType);
    } catch (RuntimeException e) {
      String why = e instanceof MicroException me ? me.detail() : e.getMessage();
      throw MicroException.internalServerError(RetryPolicy.CLIENT_ID,
          "reply body as %s (expected: %s): %s", codec.contentType(), responseType.getTypeName(), why)
          .withCause(e);
    }
  }

  /** go-micro's legacy rename: json to json-rpc, protobuf to proto-rpc; others unchanged. */
  static String legacyContentType(String contentType) {
    return switch (Codecs.mediaType(contentType)) {
      case "application/json" -> "application/json-rpc";
      case "application/protobuf" -> "application/proto-rpc";
      default -> contentType;
    };
  }

  private Codec codec(String contentType) {
    return codecs.forContentType(contentType).orElseThrow(() -> MicroException.badRequest(
        RetryPolicy.CLIENT_ID, "unsupported Content-Type: %s (expected one of %s)",
        contentType, codecs.contentTypes()));
  }

  private Envelope envelope(String contentType) {
    return codecs.envelopeFor(contentType)
        .or(() -> codecs.envelopeFor(legacyContentType(contentType)))
        .orElseThrow(() -> MicroException.badRequest(RetryPolicy.CLIENT_ID,
            "unsupported Content-Type for a legacy node: %s (expected: a content type with an"
                + " envelope, e.g. application/json or application/protobuf)", contentType));
  }
}
