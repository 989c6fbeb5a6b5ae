package io.micro.server;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;

/**
 * Metadata a handler sends back with its response: headers (gRPC initial metadata) and trailers
 * (gRPC trailing metadata). The handler reaches the one of its call with {@link #current()}, from
 * unary and stream handlers alike, on the thread that runs it:
 *
 * <pre>{@code
 * public Response hello(Metadata md, Request req) {
 *   ResponseMetadata.current().header("x-request-id", "42").trailer("x-cost", "3");
 *   return ...;
 * }
 * }</pre>
 *
 * <p>On the wire: over gRPC, headers go in the response's {@code HEADERS} frame (sent with the first
 * message, or with the trailers when there is none; a header added after that is dropped) and
 * trailers in the final {@code HEADERS} frame beside {@code grpc-status}. Over mucp, which has no
 * trailers, both are headers of the reply message (of a unary call), or headers of a stream's
 * first message and of its end message. Keys are sent as given (gRPC lower-cases them); a key
 * ending in {@code -bin} carries its value as base64 text, as the incoming metadata does.
 *
 * <p>Thread-safe; one instance per call.
 */
public final class ResponseMetadata {
  private static final ThreadLocal<ResponseMetadata> CURRENT = new ThreadLocal<>();

  private final Map<String, String> headers = new LinkedHashMap<>();
  private final Map<String, String> trailers = new LinkedHashMap<>();

  /** A new, empty set (protocols create one per call). */
  public ResponseMetadata() {}

  /**
   * The response metadata of the call this thread is serving.
   *
   * @throws IllegalStateException outside a handler call
   */
  public static ResponseMetadata current() {
    ResponseMetadata m = CURRENT.get();
    if (m == null) {
      throw new IllegalStateException("no call is being served on this thread"
          + " (expected: ResponseMetadata.current() from a handler, on the thread that runs it)");
    }
    return m;
  }

  /** Runs {@code task} with {@code metadata} as {@link #current()}, restoring the previous value after. */
  static <T> T callWith(ResponseMetadata metadata, Callable<T> task) throws Exception {
    ResponseMetadata previous = CURRENT.get();
    CURRENT.set(metadata);
    try {
      return task.call();
    } finally {
      if (previous == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(previous);
      }
    }
  }

  /**
   * Adds (or replaces) a response header.
   *
   * @throws IllegalArgumentException for a reserved key ({@code content-type}, {@code te}, keys
   *     starting with {@code :}, {@code grpc-}, {@code micro-} or {@code x-micro-}), an empty key or a
   *     value with a line break
   */
  public ResponseMetadata header(String key, String value) {
    put(headers, key, value);
    return this;
  }

  /**
   * Adds (or replaces) a response trailer (see {@link #header} for the keys allowed).
   *
   * @throws IllegalArgumentException as {@link #header}
   */
  public ResponseMetadata trailer(String key, String value) {
    put(trailers, key, value);
    return this;
  }

  /** The headers added so far, in order. */
  public synchronized Map<String, String> headers() {
    return Map.copyOf(headers);
  }

  /** The trailers added so far, in order. */
  public synchronized Map<String, String> trailers() {
    return Map.copyOf(trailers);
  }

  /** True when a key may not be set as response metadata (protocol and framework headers). */
  public static boolean reserved(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.isEmpty() || k.startsWith(":") || k.startsWith("grpc-") || k.startsWith("micro-")
        || k.startsWith("x-micro-") || k.equals("content-type") || k.equals("te")
        || k.equals("content-length") || k.equals("transfer-encoding") || k.equals("connection");
  }

  private synchronized void put(Map<String, String> into, String key, String value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    if (reserved(key)) {
      throw new IllegalArgumentException("response metadata key '" + key
          + "' (expected: not empty, not content-type/te and not starting with :, grpc-, micro- or x-micro-)");
    }
    if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("response metadata value of '" + key + "' has a line break (expected: none)");
    }
    into.put(key, value);
  }

  /** {@code base} plus the headers and then the trailers (mucp replies: no trailers on the wire). */
  static Map<String, String> merged(Map<String, String> base, @Nullable ResponseMetadata m, boolean withHeaders,
      boolean withTrailers) {
    if (m == null) {
      return base;
    }
    Map<String, String> h = withHeaders ? m.headers() : Map.of();
    Map<String, String> t = withTrailers ? m.trailers() : Map.of();
    if (h.isEmpty() && t.isEmpty()) {
      return base;
    }
    Map<String, String> out = new LinkedHashMap<>(h);
    out.putAll(t);
    out.putAll(base); // the protocol's own headers win
    return out;
  }
}
