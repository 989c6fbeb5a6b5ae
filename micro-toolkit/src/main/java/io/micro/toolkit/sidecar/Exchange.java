package io.micro.toolkit.sidecar;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP request as the sidecar's routes see it: method, path, query parameters, headers and the
 * whole body (bounded by the server before it gets here).
 */
record Exchange(
    HttpMethod method, String path, Map<String, List<String>> query, HttpHeaders headers,
    byte[] body) {

  /** The first value of query parameter {@code name}, or null when absent. */
  @Nullable String param(String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** The media type of the body, lower case, without parameters; empty when not given. */
  String mediaType() {
    String ct = headers.get("Content-Type");
    if (ct == null) {
      return "";
    }
    int semi = ct.indexOf(';');
    return (semi < 0 ? ct : ct.substring(0, semi)).strip().toLowerCase(java.util.Locale.ROOT);
  }
}
