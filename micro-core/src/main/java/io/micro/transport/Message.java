package io.micro.transport;

import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One message on a transport: headers (go-micro's {@code Micro-*}, {@code Content-Type},
 * {@code Timeout}, and whatever metadata the caller sent) and an encoded body.
 *
 * <p>Header keys are canonical ({@link io.micro.metadata.Metadata#canonical(String)}); use
 * {@link #header(String)} to look one up regardless of case. The body array is owned by the message:
 * neither side modifies it after construction.
 */
public record Message(Map<String, String> headers, byte[] body) {

  private static final byte[] NO_BODY = new byte[0];

  /** Keeps the header map as given (callers pass an unmodifiable or owned map); null body is empty. */
  public Message {
    Objects.requireNonNull(headers, "headers");
    body = body == null ? NO_BODY : body;
  }

  /** The value of a header, compared case-insensitively, or null. */
  public @Nullable String header(String key) {
    String v = headers.get(key);
    if (v != null) {
      return v;
    }
    v = headers.get(io.micro.metadata.Metadata.canonical(key));
    if (v != null) {
      return v;
    }
    for (Map.Entry<String, String> e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase(key)) {
        return e.getValue();
      }
    }
    return null;
  }

  /**
   * The value of a {@code Micro-*} header, falling back to its {@code X-Micro-*} form, or null.
   *
   * @param name the header without prefix, e.g. {@code Endpoint}
   */
  public @Nullable String micro(String name) {
    String v = header("Micro-" + name);
    return v != null ? v : header("X-Micro-" + name);
  }
}
