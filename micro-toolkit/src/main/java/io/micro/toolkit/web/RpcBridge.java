package io.micro.toolkit.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micro.client.CallOptions;
import io.micro.client.Client;
import io.micro.client.Request;
import io.micro.errors.MicroException;
import io.micro.metadata.Metadata;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;

/**
 * {@code POST /rpc}: calls any endpoint with a JSON request and answers the JSON reply, as micro's
 * {@code /rpc}. The body is {@code {"service", "endpoint" (or "method"), "request", "address"?,
 * "timeout"?, "metadata"?}}; {@code request} may be an object or a JSON string. The reply carries
 * {@code X-Micro-Call-Duration} (milliseconds, measured around the call).
 *
 * <p>Bounds: the request body is limited by the HTTP server, {@code timeout} (seconds) is capped at
 * {@code maxTimeout}, metadata at 32 entries.
 */
final class RpcBridge {

  static final String ID = "go.micro.rpc";

  private final Client client;
  private final ObjectMapper json;
  private final Duration defaultTimeout;
  private final Duration maxTimeout;

  RpcBridge(Client client, ObjectMapper json, Duration defaultTimeout, Duration maxTimeout) {
    this.client = client;
    this.json = json;
    this.defaultTimeout = defaultTimeout;
    this.maxTimeout = maxTimeout;
  }

  Reply call(String method, byte[] body, Map<String, String> form) {
    if (!method.equals("POST")) {
      return Reply.error(MicroException.methodNotAllowed(ID, "%s /rpc (expected: POST)", method));
    }
    try {
      ObjectNode in = parse(body, form);
      String service = text(in, "service");
      String endpoint = text(in, "endpoint");
      if (endpoint.isEmpty()) {
        endpoint = text(in, "method");
      }
      if (service.isEmpty()) {
        throw MicroException.badRequest(ID, "invalid service: missing (expected: a service name)");
      }
      if (endpoint.isEmpty()) {
        throw MicroException.badRequest(ID,
            "invalid endpoint: missing (expected: Handler.Method, e.g. Say.Hello)");
      }
      byte[] request = request(in.get("request"));
      CallOptions options = CallOptions.DEFAULT.withTimeout(timeout(in.get("timeout")));
      String address = text(in, "address");
      if (!address.isEmpty()) {
        options = options.withAddress(address);
      }
      Request req = Request.json(service, endpoint, request).withMetadata(metadata(in.get("metadata")));
      long start = System.nanoTime();
      byte[] reply = client.call(req, byte[].class, options);
      long micros = (System.nanoTime() - start) / 1000;
      return Reply.json(reply.length == 0 ? "{}".getBytes(StandardCharsets.UTF_8) : reply)
          .withHeader("X-Micro-Call-Duration", String.format(java.util.Locale.ROOT, "%.3f", micros / 1000.0));
    } catch (MicroException e) {
      return Reply.error(e);
    } catch (IllegalArgumentException e) {
      return Reply.error(MicroException.badRequest(ID, "%s", e.getMessage()));
    }
  }

  private ObjectNode parse(byte[] body, Map<String, String> form) {
    if (!form.isEmpty()) {
      ObjectNode n = json.createObjectNode();
      form.forEach(n::put);
      return n;
    }
    try {
      JsonNode n = json.readTree(body);
      if (n instanceof ObjectNode o) {
        return o;
      }
      throw MicroException.badRequest(ID, "error decoding request: expected a JSON object, got %s",
          n == null || n.isMissingNode() ? "an empty body" : n.getNodeType().toString().toLowerCase());
    } catch (IOException e) {
      throw MicroException.badRequest(ID, "error decoding request: %s",
          e instanceof com.fasterxml.jackson.core.JsonProcessingException p
              ? p.getOriginalMessage() : e.getMessage());
    }
  }

  private byte[] request(JsonNode r) {
    if (r == null || r.isNull() || r.isMissingNode()) {
      return "{}".getBytes(StandardCharsets.UTF_8);
    }
    if (r.isTextual()) { // JSON in a string, as micro's form posts send it
      String s = r.asText().isBlank() ? "{}" : r.asText();
      try {
        return json.writeValueAsBytes(json.readTree(s));
      } catch (IOException e) {
        throw MicroException.badRequest(ID, "error decoding request string: %s",
            e instanceof com.fasterxml.jackson.core.JsonProcessingException p
                ? p.getOriginalMessage() : e.getMessage());
      }
    }
    try {
      return json.writeValueAsBytes(r);
    } catch (IOException e) {
      throw MicroException.badRequest(ID, "error encoding request: %s", e.getMessage());
    }
  }

  private Duration timeout(JsonNode t) {
    if (t == null || t.isNull() || (t.isTextual() && t.asText().isBlank())) {
      return defaultTimeout.compareTo(maxTimeout) > 0 ? maxTimeout : defaultTimeout;
    }
    double seconds = t.isNumber() ? t.asDouble() : parseSeconds(t.asText());
    if (!(seconds > 0)) {
      throw MicroException.badRequest(ID, "invalid timeout: %s (expected: seconds > 0)", t.asText());
    }
    Duration d = Duration.ofMillis((long) Math.ceil(seconds * 1000));
    return d.compareTo(maxTimeout) > 0 ? maxTimeout : d;
  }

  private static double parseSeconds(String s) {
    try {
      return Double.parseDouble(s.trim());
    } catch (NumberFormatException e) {
      throw MicroException.badRequest(ID, "invalid timeout: %s (expected: seconds > 0)", s);
    }
  }

  private static Metadata metadata(JsonNode m) {
    if (m == null || m.isNull()) {
      return Metadata.empty();
    }
    if (!m.isObject() || m.size() > 32) {
      throw MicroException.badRequest(ID,
          "invalid metadata (expected: an object of at most 32 string values)");
    }
    Metadata md = Metadata.empty();
    for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      md = md.with(e.getKey(), e.getValue().asText());
    }
    return md;
  }

  private static String text(ObjectNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? "" : v.asText().trim();
  }
}
