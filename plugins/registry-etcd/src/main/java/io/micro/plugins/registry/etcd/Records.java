package io.micro.plugins.registry.etcd;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.micro.registry.Service;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The etcd value of a node: go-micro's JSON of the {@link Service} (keys in struct order, map
 * entries sorted by key, an empty service metadata written as {@code null} like a nil Go map), so
 * the bytes equal what a Go service writes for the same data.
 *
 * <p>Reading is lenient about unknown fields. A value that is not a service (malformed JSON, no
 * name) is skipped with one warning per key and revision, so a poisoned key cannot flood the log
 * of a client that polls it. Thread-safe.
 */
final class Records {
  private static final Logger LOG = LoggerFactory.getLogger(Records.class);
  /** Bound on remembered malformed keys; the memory is cleared when it fills. */
  private static final int MAX_REMEMBERED = 4096;

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .addMixIn(Service.class, NilMetadata.class)
          .build();

  /** Malformed key -> the mod revision already warned about. */
  private final Map<String, Long> warned = new ConcurrentHashMap<>();

  /** The JSON of {@code service} as UTF-8 text. */
  static String encode(Service service) {
    try {
      return JSON.writeValueAsString(service);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot write service " + service.name() + " as JSON", e);
    }
  }

  /**
   * The service stored at {@code key}, or empty (after one warning naming the key) when the value
   * is not go-micro's service JSON.
   */
  Optional<Service> decode(String key, long modRevision, byte[] value) {
    try {
      Service service = JSON.readValue(value, Service.class);
      if (service == null) {
        throw new IOException("the value is JSON null");
      }
      return Optional.of(service);
    } catch (IOException | RuntimeException e) {
      Long before = warned.put(key, modRevision);
      if (before == null || before != modRevision) {
        LOG.warn("etcd registry: skipping {} (revision {}): not a service record ({}); value starts {}",
            key, modRevision, e.getMessage() == null ? e.getClass().getSimpleName() : firstLine(e.getMessage()),
            excerpt(value));
      }
      if (warned.size() > MAX_REMEMBERED) {
        warned.clear();
      }
      return Optional.empty();
    }
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static String excerpt(byte[] value) {
    String s = new String(value, 0, Math.min(value.length, 80), StandardCharsets.UTF_8);
    return "'" + s + (value.length > 80 ? "…'" : "'");
  }

  /** Writes the service metadata as Go writes a nil map when it is empty. */
  abstract static class NilMetadata {
    @JsonSerialize(using = EmptyMapAsNull.class)
    abstract Map<String, String> metadata();
  }

  /** {@code null} for an empty map, the map otherwise. */
  static final class EmptyMapAsNull extends JsonSerializer<Map<String, String>> {
    @Override
    public void serialize(Map<String, String> value, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      if (value.isEmpty()) {
        gen.writeNull();
      } else {
        provider.defaultSerializeValue(value, gen);
      }
    }
  }
}
