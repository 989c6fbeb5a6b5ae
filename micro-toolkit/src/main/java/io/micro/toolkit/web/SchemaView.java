package io.micro.toolkit.web;

import io.micro.registry.Value;
import org.jspecify.annotations.Nullable;

/**
 * Renders an endpoint's request or response {@link Value} as an indented pseudo-struct, the way
 * {@code micro web} shows schemas:
 *
 * <pre>
 * Request {
 *   name string
 * }
 * </pre>
 */
final class SchemaView {

  /** Nothing is rendered deeper than this (registry records are untrusted input). */
  static final int MAX_DEPTH = 8;

  private SchemaView() {}

  /** The pseudo-struct of {@code v}; {@code {}} for a missing or empty schema. */
  static String render(@Nullable Value v) {
    if (v == null || (v.type().isEmpty() && v.values().isEmpty())) {
      return "{}";
    }
    StringBuilder b = new StringBuilder();
    b.append(v.type().isEmpty() ? v.name() : v.type());
    if (!v.values().isEmpty()) {
      b.append(' ');
      fields(v, 1, b);
    }
    return b.toString();
  }

  private static void fields(Value v, int depth, StringBuilder b) {
    b.append("{\n");
    for (Value f : v.values()) {
      b.append("  ".repeat(depth)).append(f.name()).append(' ').append(f.type());
      if (!f.values().isEmpty() && depth < MAX_DEPTH) {
        b.append(' ');
        fields(f, depth + 1, b);
      }
      b.append('\n');
    }
    b.append("  ".repeat(depth - 1)).append('}');
  }
}
