package io.micro.registry;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An endpoint a service serves, {@code Handler.Method}, with the schema of its request and response.
 * Serialises to go-micro's JSON ({@code request, response, metadata, name}); a missing schema is
 * written as {@code null}, as go-micro does for subscribers.
 */
@JsonPropertyOrder({"request", "response", "metadata", "name"})
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Endpoint(
    String name, @Nullable Value request, @Nullable Value response, Map<String, String> metadata) {

  /** Copies the metadata; a null map becomes empty. */
  public Endpoint {
    Objects.requireNonNull(name, "name");
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
  }
}
