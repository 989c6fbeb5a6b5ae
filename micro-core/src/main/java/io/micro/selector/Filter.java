package io.micro.selector;

import io.micro.registry.Endpoint;
import io.micro.registry.Node;
import io.micro.registry.Service;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Narrows the versions (and nodes) a selection may use. A filter returns a new list and never
 * modifies its input; a version left without nodes may be dropped. Filters compose by running one
 * after another.
 */
@FunctionalInterface
public interface Filter extends UnaryOperator<List<Service>> {

  /** Keeps the versions whose version string equals {@code version}. */
  static Filter version(String version) {
    Objects.requireNonNull(version, "version");
    return services -> {
      List<Service> out = new ArrayList<>();
      for (Service s : services) {
        if (s.version().equals(version)) {
          out.add(s);
        }
      }
      return List.copyOf(out);
    };
  }

  /**
   * Keeps the nodes whose metadata maps {@code key} to {@code value} (go-micro's label filter); a
   * version with no such node is dropped.
   */
  static Filter metadata(String key, String value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    return services -> {
      List<Service> out = new ArrayList<>();
      for (Service s : services) {
        List<Node> nodes = new ArrayList<>();
        for (Node n : s.nodes()) {
          if (value.equals(n.metadata().get(key))) {
            nodes.add(n);
          }
        }
        if (!nodes.isEmpty()) {
          out.add(s.withNodes(nodes));
        }
      }
      return List.copyOf(out);
    };
  }

  /** Keeps the versions that serve the endpoint {@code name}, e.g. {@code Say.Hello}. */
  static Filter endpoint(String name) {
    Objects.requireNonNull(name, "name");
    return services -> {
      List<Service> out = new ArrayList<>();
      for (Service s : services) {
        for (Endpoint e : s.endpoints()) {
          if (e.name().equals(name)) {
            out.add(s);
            break;
          }
        }
      }
      return List.copyOf(out);
    };
  }
}
