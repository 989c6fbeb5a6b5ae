package io.micro.toolkit.http;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Micro's CORS rules: when the request's {@code Origin} is in the allow-list, or there is an
 * origin and the list holds {@code *}, it is echoed in {@code Access-Control-Allow-Origin}; the
 * allowed methods, headers and credentials are always sent; {@code OPTIONS} requests are answered
 * 200 without a body and never reach a handler. {@link #disabled()} sends nothing and routes
 * {@code OPTIONS} like any other method.
 */
public final class Cors {
  static final String METHODS = "POST, GET, OPTIONS, PUT, DELETE, PATCH";
  static final String HEADERS =
      "Content-Type, Content-Length, Accept-Encoding, X-CSRF-Token, Authorization, Accept, X-Requested-With";

  private static final AsciiString ALLOW_ORIGIN = AsciiString.cached("Access-Control-Allow-Origin");
  private static final AsciiString ALLOW_METHODS = AsciiString.cached("Access-Control-Allow-Methods");
  private static final AsciiString ALLOW_HEADERS = AsciiString.cached("Access-Control-Allow-Headers");
  private static final AsciiString ALLOW_CREDENTIALS = AsciiString.cached("Access-Control-Allow-Credentials");
  private static final AsciiString METHODS_VALUE = AsciiString.cached(METHODS);
  private static final AsciiString HEADERS_VALUE = AsciiString.cached(HEADERS);
  private static final AsciiString TRUE = AsciiString.cached("true");

  private final @Nullable Set<String> origins;

  private Cors(@Nullable Set<String> origins) {
    this.origins = origins;
  }

  /** Any origin ({@code *}), micro's default. */
  public static Cors allowAll() {
    return new Cors(Set.of("*"));
  }

  /** No CORS headers at all. */
  public static Cors disabled() {
    return new Cors(null);
  }

  /**
   * The comma-separated allow-list of a {@code --*_cors} flag, e.g. {@code
   * https://a.example,https://b.example} or {@code *}; blank means {@link #allowAll()}.
   */
  public static Cors parse(String list) {
    Set<String> set = Arrays.stream(list.split(","))
        .map(String::strip)
        .filter(s -> !s.isEmpty())
        .collect(Collectors.toUnmodifiableSet());
    return set.isEmpty() ? allowAll() : new Cors(set);
  }

  /** Whether CORS handling is on. */
  public boolean enabled() {
    return origins != null;
  }

  /** Adds the CORS headers for a request with {@code origin} (may be null) to {@code out}. */
  void apply(@Nullable String origin, HttpHeaders out) {
    if (origins == null) {
      return;
    }
    if (origin != null && !origin.isEmpty() && (origins.contains("*") || origins.contains(origin))) {
      out.set(ALLOW_ORIGIN, origin);
    }
    // constants (encoded by copying their bytes)
    out.set(ALLOW_METHODS, METHODS_VALUE);
    out.set(ALLOW_HEADERS, HEADERS_VALUE);
    out.set(ALLOW_CREDENTIALS, TRUE);
  }

  @Override
  public String toString() {
    return origins == null ? "cors disabled" : "cors " + origins;
  }
}
