package io.micro.toolkit.sidecar;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * micro's CORS rules: an {@code Origin} in the allowlist (or any origin when the list holds
 * {@code *}) is echoed in {@code Access-Control-Allow-Origin} with credentials allowed; the allowed
 * methods and headers are always sent. Immutable.
 */
final class Cors {
  static final String METHODS = "POST, GET, OPTIONS, PUT, DELETE";
  static final String HEADERS = "Content-Type, Content-Length, Accept-Encoding, X-CSRF-Token, "
      + "Authorization, X-Requested-With, Timeout";

  private final Set<String> origins;
  private final boolean any;

  Cors(List<String> allowed) {
    this.origins = allowed.stream().map(String::strip).filter(s -> !s.isEmpty())
        .map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    this.any = origins.contains("*");
  }

  /** True when a request from {@code origin} may read the answer. */
  boolean allows(String origin) {
    return any || origins.contains(origin.toLowerCase(Locale.ROOT));
  }

  /** Adds the CORS headers for a request carrying {@code origin} (null: none) to {@code h}. */
  void apply(@Nullable String origin, HttpHeaders h) {
    if (origin != null && !origin.isEmpty() && allows(origin)) {
      h.set("Access-Control-Allow-Origin", origin);
      h.set("Access-Control-Allow-Credentials", "true");
      h.add("Vary", "Origin");
    }
    h.set("Access-Control-Allow-Methods", METHODS);
    h.set("Access-Control-Allow-Headers", HEADERS);
  }
}
