package io.micro.plugins.registry.zookeeper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micro.registry.Service;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * The data of a node's znode: go-micro's JSON service with that one node ({@code name, version,
 * metadata, endpoints, nodes}), plus {@code "ttl_ms"} when the registration has a TTL. Go ignores
 * the extra field; a record without it (one Go wrote) never expires.
 */
final class Records {
  /** The field that carries the TTL in milliseconds. */
  static final String TTL_FIELD = "ttl_ms";

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS) // as Go's encoding/json does
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  private Records() {}

  /** A decoded record; {@code ttlMillis} is 0 when the record never expires. */
  record Decoded(Service service, long ttlMillis) {
    /** Whether the record, last written at {@code mtimeMillis}, has expired at {@code nowMillis}. */
    boolean expired(long mtimeMillis, long nowMillis) {
      return ttlMillis > 0 && nowMillis - mtimeMillis > ttlMillis;
    }
  }

  /** The bytes to store for {@code service} (one node) registered with {@code ttl}. */
  static byte[] encode(Service service, Duration ttl) {
    ObjectNode tree = JSON.valueToTree(service);
    if (!ttl.isZero()) {
      tree.put(TTL_FIELD, Math.max(1, ttl.toMillis()));
    }
    try {
      return JSON.writeValueAsBytes(tree);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads a record.
   *
   * @throws IllegalArgumentException naming what is wrong when the data is not a service record
   */
  static Decoded decode(byte[] data) {
    JsonNode tree;
    try {
      tree = JSON.readTree(data);
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON (expected: a go-micro service record)", e);
    }
    if (tree == null || !tree.isObject()) {
      throw new IllegalArgumentException("not a JSON object (expected: a go-micro service record)");
    }
    JsonNode ttl = tree.get(TTL_FIELD);
    long ttlMillis = 0;
    if (ttl != null && !ttl.isNull()) {
      if (!ttl.canConvertToLong() || ttl.asLong() < 0) {
        throw new IllegalArgumentException(TTL_FIELD + ": " + ttl + " (expected: milliseconds >= 0)");
      }
      ttlMillis = ttl.asLong();
    }
    Service service;
    try {
      service = JSON.treeToValue(tree, Service.class);
    } catch (JsonProcessingException | RuntimeException e) {
      throw new IllegalArgumentException(
          "not a service record: " + message(e) + " (expected: name, version, nodes, ...)", e);
    }
    if (service == null || service.name().isEmpty()) {
      throw new IllegalArgumentException("name: missing (expected: the service name)");
    }
    if (service.nodes().isEmpty()) {
      throw new IllegalArgumentException("nodes: none (expected: the node of this record)");
    }
    return new Decoded(service, ttlMillis);
  }

  private static String message(Exception e) {
    if (e instanceof JsonProcessingException j) {
      return j.getOriginalMessage();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
