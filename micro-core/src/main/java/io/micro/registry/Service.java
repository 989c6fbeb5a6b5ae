package io.micro.registry;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A service as the registry knows it: one name and version, the endpoints it serves and the nodes
 * that serve it. Serialises to go-micro's JSON ({@code name, version, metadata, endpoints, nodes}).
 *
 * <p>Instances are immutable; collections are copied on construction and never null.
 */
@JsonPropertyOrder({"name", "version", "metadata", "endpoints", "nodes"})
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Service(
    String name,
    String version,
    Map<String, String> metadata,
    List<Endpoint> endpoints,
    List<Node> nodes) {

  /** Copies the collections; a null collection becomes empty. */
  public Service {
    Objects.requireNonNull(name, "name");
    version = version == null ? "" : version;
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
    nodes = nodes == null ? List.of() : List.copyOf(nodes);
  }

  /** A service with only a name and a version. */
  public static Service of(String name, String version) {
    return new Service(name, version, Map.of(), List.of(), List.of());
  }

  /** A copy of this service with the given nodes. */
  public Service withNodes(List<Node> newNodes) {
    return new Service(name, version, metadata, endpoints, newNodes);
  }

  /** A copy of this service with the given endpoints. */
  public Service withEndpoints(List<Endpoint> newEndpoints) {
    return new Service(name, version, metadata, newEndpoints, nodes);
  }
}
