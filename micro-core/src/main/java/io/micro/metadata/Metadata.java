package io.micro.metadata;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The key/value metadata of a request: every incoming header, readable in handlers, and carried
 * into every call a handler makes (go-micro's context metadata).
 *
 * <p>Keys are case-insensitive and reported in canonical form, Title-Cased per {@code -} segment
 * ({@code x-user-id} becomes {@code X-User-Id}). Instances are immutable.
 *
 * <p>{@link #current()} is the metadata of the request the calling thread is serving; the server
 * binds it around each handler invocation and the client merges it into outgoing headers.
 */
public final class Metadata {
  private static final Metadata EMPTY = new Metadata(Map.of());
  private static final ThreadLocal<Metadata> CURRENT = new ThreadLocal<>();

  private final Map<String, String> entries;

  private Metadata(Map<String, String> canonical) {
    this.entries = canonical;
  }

  /** No metadata. */
  public static Metadata empty() {
    return EMPTY;
  }

  /** Metadata with the given entries; keys are canonicalised, a later duplicate wins. */
  public static Metadata of(Map<String, String> entries) {
    if (entries.isEmpty()) {
      return EMPTY;
    }
    Map<String, String> m = new LinkedHashMap<>();
    entries.forEach((k, v) -> m.put(canonical(k), v));
    return new Metadata(Collections.unmodifiableMap(m));
  }

  /** Metadata from alternating keys and values: {@code of("X-User", "john")}. */
  public static Metadata of(String... keysAndValues) {
    if (keysAndValues.length % 2 != 0) {
      throw new IllegalArgumentException(
          "keysAndValues: " + keysAndValues.length + " strings (expected: an even number)");
    }
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return of(m);
  }

  /** The value of {@code key}, compared case-insensitively. */
  public Optional<String> get(String key) {
    String v = entries.get(canonical(key));
    return Optional.ofNullable(v);
  }

  /** A copy with {@code key} set to {@code value}. */
  public Metadata with(String key, String value) {
    Map<String, String> m = new LinkedHashMap<>(entries);
    m.put(canonical(key), value);
    return new Metadata(Collections.unmodifiableMap(m));
  }

  /** A copy with {@code key} removed. */
  public Metadata without(String key) {
    String k = canonical(key);
    if (!entries.containsKey(k)) {
      return this;
    }
    Map<String, String> m = new LinkedHashMap<>(entries);
    m.remove(k);
    return m.isEmpty() ? EMPTY : new Metadata(Collections.unmodifiableMap(m));
  }

  /** A copy with every entry of {@code other} set over this one's. */
  public Metadata merge(Metadata other) {
    if (other.entries.isEmpty()) {
      return this;
    }
    if (entries.isEmpty()) {
      return other;
    }
    Map<String, String> m = new LinkedHashMap<>(entries);
    m.putAll(other.entries);
    return new Metadata(Collections.unmodifiableMap(m));
  }

  /** The entries, canonical keys in insertion order; unmodifiable. */
  public Map<String, String> asMap() {
    return entries;
  }

  /** True when there is no entry. */
  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** The metadata of the request this thread is serving, or empty outside a handler. */
  public static Metadata current() {
    Metadata m = CURRENT.get();
    return m == null ? EMPTY : m;
  }

  /** Runs {@code task} with {@code metadata} as {@link #current()}, restoring the previous value after. */
  public static <T> T callWith(Metadata metadata, Callable<T> task) throws Exception {
    Metadata previous = CURRENT.get();
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
   * The canonical form of a header key: Title-Case per {@code -} segment, as Go's
   * {@code textproto.CanonicalMIMEHeaderKey} ({@code micro-id} and {@code MICRO-ID} become {@code Micro-Id}).
   */
  public static String canonical(String key) {
    int n = key.length();
    boolean upper = true;
    boolean changed = false;
    char[] out = null;
    for (int i = 0; i < n; i++) {
      char c = key.charAt(i);
      char want = c;
      if (upper && c >= 'a' && c <= 'z') {
        want = (char) (c - 32);
      } else if (!upper && c >= 'A' && c <= 'Z') {
        want = (char) (c + 32);
      }
      if (want != c) {
        if (out == null) {
          out = key.toCharArray();
        }
        out[i] = want;
        changed = true;
      }
      upper = c == '-';
    }
    return changed ? new String(out) : key;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Metadata other && entries.equals(other.entries);
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }

  @Override
  public String toString() {
    return entries.toString();
  }
}
