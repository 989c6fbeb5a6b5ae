package io.micro.toolkit.cli;

import io.micro.registry.Endpoint;
import io.micro.registry.Node;
import io.micro.registry.Service;
import io.micro.registry.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/** Services as micro's {@code get service} prints them. */
final class Describe {
  private Describe() {}

  /**
   * <pre>
   * service  go.micro.srv.greeter
   *
   * version 1.0.0
   *
   * ID	Address	Metadata
   * go.micro.srv.greeter-1	127.0.0.1:8080	protocol=mucp,transport=http
   *
   * Endpoint: Say.Hello
   * Request: {
   * 	name string
   * }
   * Response: {
   * 	msg string
   * }
   * </pre>
   *
   * <p>The version line is left out when the version is empty, the {@code Metadata:} line of an
   * endpoint when it has none; the endpoints are those of the first version, as micro does.
   */
  static String service(List<Service> versions) {
    List<String> out = new ArrayList<>();
    out.add("service  " + versions.get(0).name());
    for (Service s : versions) {
      if (!s.version().isEmpty()) {
        out.add("\nversion " + s.version());
      }
      out.add("\nID\tAddress\tMetadata");
      for (Node n : s.nodes()) {
        out.add(n.id() + "\t" + n.address() + "\t" + pairs(n.metadata()));
      }
    }
    for (Endpoint e : versions.get(0).endpoints()) {
      out.add("\nEndpoint: " + e.name());
      if (!e.metadata().isEmpty()) {
        out.add("Metadata: " + pairs(e.metadata()));
      }
      out.add("Request: " + schema(e.request()));
      out.add("Response: " + schema(e.response()));
    }
    return String.join("\n", out);
  }

  /** {@code k=v,k=v}, sorted by key. */
  static String pairs(Map<String, String> metadata) {
    StringBuilder sb = new StringBuilder();
    new TreeMap<>(metadata).forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ",").append(k).append('=').append(v));
    return sb.toString();
  }

  private static String schema(@Nullable Value v) {
    if (v == null || v.values().isEmpty()) {
      return "{}";
    }
    StringBuilder sb = new StringBuilder("{\n");
    for (Value field : v.values()) {
      field(field, 0, sb);
    }
    return sb.append('}').toString();
  }

  private static void field(Value v, int depth, StringBuilder sb) {
    String indent = "\t".repeat(depth + 1);
    sb.append(indent).append(snake(v.name())).append(' ').append(v.type());
    if (v.values().isEmpty()) {
      sb.append('\n');
      return;
    }
    sb.append(" {\n");
    for (Value f : v.values()) {
      field(f, depth + 1, sb);
    }
    sb.append(indent).append("}\n");
  }

  /** {@code firstName} as {@code first_name}, as micro prints field names. */
  static String snake(String name) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isUpperCase(c)) {
        boolean afterLower = i > 0 && !Character.isUpperCase(name.charAt(i - 1)) && name.charAt(i - 1) != '_';
        boolean beforeLower = i > 0 && i + 1 < name.length() && Character.isLowerCase(name.charAt(i + 1))
            && Character.isUpperCase(name.charAt(i - 1));
        if (afterLower || beforeLower) {
          sb.append('_');
        }
        sb.append(Character.toLowerCase(c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
