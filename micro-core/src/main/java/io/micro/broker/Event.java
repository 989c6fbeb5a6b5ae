package io.micro.broker;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One message on a topic: headers and an opaque body (go-micro's {@code broker.Message}).
 *
 * <p>Headers keep the case they were given in ({@code Micro-ID}, {@code Micro-Topic},
 * {@code Content-Type} as go-micro writes them); {@link #header(String)} also finds a key in another
 * case. Immutable: the constructor copies the map; {@link #body()} returns the array itself (no
 * copy, for speed), which callers must not modify.
 *
 * @param headers header name to value, in insertion order
 * @param body the payload, usually encoded by a codec named in {@code Content-Type}
 */
public record Event(Map<String, String> headers, byte[] body) {

  /** The event id header ({@code Micro-ID}), set by the client on publish. */
  public static final String ID = "Micro-ID";
  /** The topic header ({@code Micro-Topic}), set by the client on publish. */
  public static final String TOPIC = "Micro-Topic";
  /** The content type header, naming the codec of the body. */
  public static final String CONTENT_TYPE = "Content-Type";
  /**
   * The ordering key header ({@code Micro-Key}): brokers that partition (Kafka) use it as the record
   * key, so events with one key keep their order; others carry it as a plain header.
   */
  public static final String KEY = "Micro-Key";

  /** Copies the headers (null values are refused) and checks the body is not null. */
  public Event {
    Objects.requireNonNull(body, "body");
    Map<String, String> copy = new LinkedHashMap<>();
    headers.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "header name"),
        Objects.requireNonNull(v, () -> "header " + k)));
    headers = Collections.unmodifiableMap(copy);
  }

  /** An event with these headers and body. */
  public static Event of(Map<String, String> headers, byte[] body) {
    return new Event(headers, body);
  }

  /** The header {@code name}, matched exactly first, then ignoring case; null when absent. */
  public @Nullable String header(String name) {
    String v = headers.get(name);
    if (v != null) {
      return v;
    }
    for (Map.Entry<String, String> e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name)) {
        return e.getValue();
      }
    }
    return null;
  }

  /** The {@code Micro-ID} header, or an empty string when absent. */
  public String id() {
    String v = header(ID);
    return v == null ? "" : v;
  }

  /** The {@code Micro-Topic} header, or an empty string when absent. */
  public String topic() {
    String v = header(TOPIC);
    return v == null ? "" : v;
  }

  /** The {@code Content-Type} header, or an empty string when absent. */
  public String contentType() {
    String v = header(CONTENT_TYPE);
    return v == null ? "" : v;
  }

  /** A copy with header {@code name} set to {@code value} (replacing one of the same name). */
  public Event withHeader(String name, String value) {
    Map<String, String> copy = new LinkedHashMap<>(headers);
    copy.put(name, value);
    return new Event(copy, body);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Event e && headers.equals(e.headers) && Arrays.equals(body, e.body);
  }

  @Override
  public int hashCode() {
    return 31 * headers.hashCode() + Arrays.hashCode(body);
  }

  @Override
  public String toString() {
    return "Event" + headers + " (" + body.length + " bytes)";
  }
}
