package io.micro.registry;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.util.List;
import java.util.Objects;

/**
 * The schema of a request or response field: its name, its type name and, for messages, its fields.
 * Serialises to go-micro's JSON ({@code name, type, values}); an empty {@code values} list is written
 * as {@code null}, as go-micro does.
 */
@JsonPropertyOrder({"name", "type", "values"})
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Value(
    String name, String type, @JsonSerialize(using = EmptyListAsNull.class) List<Value> values) {

  /** Copies the values; a null list becomes empty. */
  public Value {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    values = values == null ? List.of() : List.copyOf(values);
  }

  /** A scalar value without fields. */
  public static Value of(String name, String type) {
    return new Value(name, type, List.of());
  }
}
