package io.micro.selector;

import io.micro.registry.Node;
import io.micro.registry.Service;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies a watch result to cached versions, by the rules of {@link io.micro.registry.Watcher.Result}
 * (go-micro's cache): {@code create}/{@code update} add or replace the nodes it carries and take its
 * data (endpoints, metadata); {@code delete} removes the nodes it carries and the version once empty.
 */
final class Merge {
  private Merge() {}

  /** The versions after the change; the input is not modified. */
  static List<Service> apply(List<Service> services, String action, Service changed) {
    List<Service> out = new ArrayList<>(services.size() + 1);
    boolean found = false;
    for (Service s : services) {
      if (!s.version().equals(changed.version())) {
        out.add(s);
        continue;
      }
      found = true;
      Map<String, Node> nodes = new LinkedHashMap<>();
      for (Node n : s.nodes()) {
        nodes.put(n.id(), n);
      }
      if (action.equals("delete")) {
        for (Node n : changed.nodes()) {
          nodes.remove(n.id());
        }
        if (!nodes.isEmpty()) {
          out.add(s.withNodes(List.copyOf(nodes.values())));
        }
      } else {
        for (Node n : changed.nodes()) {
          nodes.put(n.id(), n);
        }
        out.add(changed.withNodes(List.copyOf(nodes.values())));
      }
    }
    if (!found && !action.equals("delete") && !changed.nodes().isEmpty()) {
      out.add(changed);
    }
    return List.copyOf(out);
  }
}
