package io.micro.plugins.registry.consul;

import io.micro.registry.Node;
import io.micro.registry.Service;
import io.micro.registry.Watcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The watch results that turn one answer about a service into the next, following the rule of
 * {@link Watcher.Result} (go-micro's registry cache): a version that is new is a {@code create},
 * one whose nodes were added or changed, or whose data changed, an {@code update}, both carrying
 * the version as it now is; the nodes a version lost are one {@code delete} carrying only them,
 * even when other nodes of the version remain. A version whose only change is removed nodes gets
 * just the {@code delete}; node order alone is no change.
 *
 * <p>Stateless; both arguments are keyed by version (as {@link ConsulWatch} keeps them).
 */
final class Changes {
  private Changes() {}

  /**
   * The results, in order: a {@code create} or {@code update} per version of {@code after}, then
   * a {@code delete} per version of {@code before} that lost nodes. Appearances come first because
   * one answer may fold several changes together, and a rolling upgrade registers the new nodes
   * before it removes the old ones: a reader never sees a service with no node in between.
   */
  static List<Watcher.Result> between(Map<String, Service> before, Map<String, Service> after) {
    List<Watcher.Result> out = new ArrayList<>();
    for (Service now : after.values()) {
      Service old = before.get(now.version());
      if (old == null) {
        out.add(new Watcher.Result("create", now));
      } else if (changed(old, now)) {
        out.add(new Watcher.Result("update", now));
      }
    }
    for (Service old : before.values()) {
      Service now = after.get(old.version());
      Map<String, Node> nowNodes = now == null ? Map.of() : byId(now.nodes());
      List<Node> gone = new ArrayList<>();
      for (Node n : old.nodes()) {
        if (!nowNodes.containsKey(n.id())) {
          gone.add(n);
        }
      }
      if (!gone.isEmpty()) {
        out.add(new Watcher.Result("delete", old.withNodes(gone)));
      }
    }
    return out;
  }

  /** Whether {@code now}'s data differs from {@code old}'s, or it has a node {@code old} lacked or had otherwise. */
  private static boolean changed(Service old, Service now) {
    if (!old.metadata().equals(now.metadata()) || !old.endpoints().equals(now.endpoints())) {
      return true;
    }
    Map<String, Node> oldNodes = byId(old.nodes());
    for (Node n : now.nodes()) {
      if (!n.equals(oldNodes.get(n.id()))) {
        return true;
      }
    }
    return false;
  }

  private static Map<String, Node> byId(List<Node> nodes) {
    Map<String, Node> m = new LinkedHashMap<>();
    for (Node n : nodes) {
      m.put(n.id(), n);
    }
    return m;
  }
}
