package io.micro.registry;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;
import java.util.Objects;

/**
 * One running instance of a service: a unique id, a {@code host:port} address and metadata such as
 * {@code protocol=mucp}. Serialises to go-micro's JSON ({@code metadata, id, address}).
 */
@JsonPropertyOrder({"metadata", "id", "address"})
public record Node(String id, String address, Map<String, String> metadata) {

  /** Copies the metadata; a null map becomes empty. */
  public Node {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(address, "address");
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
  }

  /** A node without metadata. */
  public static Node of(String id, String address) {
    return new Node(id, address, Map.of());
  }
}
