package io.micro.plugins.registry.kubernetes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.micro.registry.Service;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * The annotation value: a {@link Service} as go-micro's {@code json.Marshal} writes it (fields in
 * struct order, map keys sorted) and as {@code json.Unmarshal} reads it (unknown fields ignored,
 * field names matched without regard to case).
 */
final class ServiceJson {
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  private ServiceJson() {}

  /** The JSON text of {@code service}. */
  static String write(Service service) {
    try {
      return JSON.writeValueAsString(service);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The service in {@code json}, or empty when it is not a service object with a name. */
  static Optional<Service> read(String json) {
    try {
      Service s = JSON.readValue(json, Service.class);
      return Optional.ofNullable(s);
    } catch (JsonProcessingException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
