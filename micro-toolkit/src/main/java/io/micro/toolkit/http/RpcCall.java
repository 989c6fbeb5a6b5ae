package io.micro.toolkit.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.micro.cmd.Options;
import io.micro.errors.MicroException;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One parsed {@code /rpc} request, read from a JSON body or a urlencoded form.
 *
 * @param service the service to call
 * @param method the endpoint ({@code Handler.Method})
 * @param request the JSON request bytes ({@code {}} when none was given)
 * @param addresses the nodes to call directly (empty: discovery)
 * @param timeout the {@code timeout} field, or null when absent
 * @param metadata the {@code metadata} field's entries (empty when absent)
 */
record RpcCall(String service, String method, byte[] request, List<String> addresses,
    @Nullable Duration timeout, Map<String, String> metadata) {

  static final int MAX_METADATA = 32;
  private static final byte[] EMPTY = {'{', '}'};

  /** Bounded input (depth 64, strings of 4 MiB); numbers are kept as they were written. */
  static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder()
              .maxNestingDepth(64).maxStringLength(4 << 20).build())
          .build())
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .build();

  /**
   * Reads {@code body} of media type {@code mediaType}: JSON for {@code application/json} and
   * {@code *+json}, a form for {@code application/x-www-form-urlencoded} or no type (as curl's
   * {@code -d} and micro); 415 for any other type, 400 naming the missing or malformed field.
   */
  static RpcCall parse(String id, String mediaType, byte[] body) {
    String service;
    String method;
    String address;
    String timeout;
    byte[] request;
    Map<String, String> metadata = Map.of();
    if (mediaType.equals("application/json") || mediaType.endsWith("+json")) {
      JsonNode root = read(id, body, "request body");
      if (!root.isObject()) {
        throw MicroException.badRequest(id, "request body is a %s (expected: an object such as"
            + " {\"service\":\"go.micro.srv.greeter\",\"endpoint\":\"Say.Hello\",\"request\":{\"name\":\"John\"}})",
            root.getNodeType().name().toLowerCase(Locale.ROOT));
      }
      service = text(id, root, "service");
      method = text(id, root, "endpoint");
      if (method == null) {
        method = text(id, root, "method");
      }
      address = text(id, root, "address");
      JsonNode t = root.get("timeout");
      timeout = t == null || t.isNull() ? null : t.asText();
      JsonNode r = root.get("request");
      request = r == null || r.isNull() ? EMPTY : r.isTextual() ? requestString(id, r.asText()) : write(r);
      metadata = metadata(id, root.get("metadata"));
    } else if (mediaType.isEmpty() || mediaType.equals("application/x-www-form-urlencoded")) {
      Map<String, List<String>> form = new QueryStringDecoder(
          new String(body, StandardCharsets.UTF_8), StandardCharsets.UTF_8, false, 1024).parameters();
      service = first(form, "service");
      method = first(form, "endpoint");
      if (method == null) {
        method = first(form, "method");
      }
      address = first(form, "address");
      timeout = first(form, "timeout");
      String r = first(form, "request");
      request = r == null ? EMPTY : requestString(id, r);
    } else {
      throw MicroException.of(id, 415, "unsupported Content-Type " + mediaType
          + " (expected: application/json or application/x-www-form-urlencoded)", "Unsupported Media Type");
    }
    if (service == null) {
      throw MicroException.badRequest(id,
          "invalid service: missing \"service\" (expected: a service name, e.g. go.micro.srv.greeter)");
    }
    if (method == null) {
      throw MicroException.badRequest(id, "invalid method: missing \"endpoint\" or \"method\""
          + " (expected: Handler.Method, e.g. Say.Hello)");
    }
    return new RpcCall(service, method, request, addresses(id, address), timeout(id, timeout), metadata);
  }

  /**
   * Seconds ({@code 10}, {@code 1.5}) or a Go duration ({@code 500ms}, {@code 1m30s}); blank or zero
   * is null (the default applies).
   *
   * @throws MicroException 400 naming the text and the expected form
   */
  static @Nullable Duration timeout(String id, @Nullable String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    String s = text.strip();
    Duration d;
    try {
      if (s.matches("\\d+(\\.\\d*)?|\\.\\d+")) {
        d = Duration.ofNanos(new BigDecimal(s).movePointRight(9).longValueExact());
      } else {
        // micro-core's Go duration syntax, through a flag that takes one
        d = Objects.requireNonNull(Options.builder().set("register_ttl", s).build().registerTtl());
      }
    } catch (RuntimeException e) {
      d = Duration.ofSeconds(-1);
    }
    if (d.isNegative()) {
      throw MicroException.badRequest(id, "invalid timeout: %s (expected: seconds such as 10 or 1.5,"
          + " or a duration such as 500ms or 1m30s)", text);
    }
    return d.isZero() ? null : d;
  }

  private static List<String> addresses(String id, @Nullable String address) {
    if (address == null) {
      return List.of();
    }
    List<String> out = new java.util.ArrayList<>();
    for (String a : address.split(",")) {
      String s = a.strip();
      try {
        HostPort.parse(s);
      } catch (IllegalArgumentException e) {
        throw MicroException.badRequest(id, "invalid address '%s' (expected: host:port, e.g. 127.0.0.1:9090)", s);
      }
      out.add(s);
    }
    return List.copyOf(out);
  }

  private static Map<String, String> metadata(String id, @Nullable JsonNode m) {
    if (m == null || m.isNull()) {
      return Map.of();
    }
    if (!m.isObject() || m.size() > MAX_METADATA) {
      throw MicroException.badRequest(id, "invalid metadata (expected: an object of at most %d string values)",
          MAX_METADATA);
    }
    Map<String, String> md = new LinkedHashMap<>();
    m.fields().forEachRemaining(e -> md.put(e.getKey(), e.getValue().asText()));
    return md;
  }

  private static byte[] requestString(String id, String text) {
    if (text.isBlank()) {
      return EMPTY;
    }
    try {
      return write(read(id, text.getBytes(StandardCharsets.UTF_8), "request string"));
    } catch (MicroException e) {
      throw MicroException.badRequest(id, "error decoding request string: %s", e.detail());
    }
  }

  /** One JSON value; 400 naming {@code what} with the line and column when malformed. */
  static JsonNode read(String id, byte[] data, String what) {
    try {
      JsonNode node = JSON.readTree(data);
      if (node == null || node.isMissingNode()) {
        throw MicroException.badRequest(id, "empty %s (expected JSON)", what);
      }
      return node;
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      String where = loc == null || loc.getLineNr() < 0 ? ""
          : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
      throw MicroException.badRequest(id, "malformed %s: %s%s", what, e.getOriginalMessage(), where)
          .withCause(e);
    } catch (IOException e) {
      throw MicroException.badRequest(id, "unreadable %s: %s", what, e.getMessage()).withCause(e);
    }
  }

  private static byte[] write(JsonNode n) {
    try {
      return JSON.writeValueAsBytes(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a parsed JSON tree: " + e.getOriginalMessage(), e);
    }
  }

  private static @Nullable String text(String id, JsonNode root, String field) {
    JsonNode n = root.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual()) {
      throw MicroException.badRequest(id, "\"%s\" is %s (expected: a string)", field, n);
    }
    return n.asText().isBlank() ? null : n.asText().strip();
  }

  private static @Nullable String first(Map<String, List<String>> form, String name) {
    List<String> v = form.get(name);
    return v == null || v.isEmpty() || v.get(0).isBlank() ? null : v.get(0).strip();
  }
}
