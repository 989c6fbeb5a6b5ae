package io.micro.toolkit.web;

import io.micro.errors.MicroException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A response of the dashboard before it meets the HTTP server: status, content type, body and
 * extra headers. Immutable.
 */
record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {

  static final String JSON = "application/json";
  static final String HTML = "text/html; charset=utf-8";

  static Reply html(String html) {
    return new Reply(200, HTML, html.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  static Reply html(int status, String html) {
    return new Reply(status, HTML, html.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  static Reply json(byte[] json) {
    return new Reply(200, JSON, json, Map.of());
  }

  /** The go-micro error JSON of {@code e}, with its code as the HTTP status (500 when invalid). */
  static Reply error(MicroException e) {
    int status = e.code() >= 400 && e.code() <= 599 ? e.code() : 500;
    return new Reply(status, JSON, e.toJson().getBytes(StandardCharsets.UTF_8), Map.of());
  }

  Reply withHeader(String name, String value) {
    Map<String, String> h = new java.util.LinkedHashMap<>(headers);
    h.put(name, value);
    return new Reply(status, contentType, body, Map.copyOf(h));
  }
}
