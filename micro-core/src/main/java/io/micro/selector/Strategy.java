package io.micro.selector;

import io.micro.registry.Node;
import io.micro.registry.Service;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How a {@link Next} walks the nodes of the selected services. Strategies are stateless functions;
 * the state of a walk (a round-robin position) lives in the {@link Next} they return.
 */
@FunctionalInterface
public interface Strategy {

  /**
   * A supplier over every node of {@code services}. A selector never passes services without
   * nodes; if it happens, the returned {@link Next} throws 500 {@code error selecting <service>
   * node: none available}.
   */
  Next pick(List<Service> services);

  /** Each {@link Next#get()} returns a node chosen uniformly at random: go-micro's default. */
  static Strategy random() {
    return services -> {
      List<Node> nodes = nodes(services);
      if (nodes.isEmpty()) {
        return none(services);
      }
      return () -> nodes.get(ThreadLocalRandom.current().nextInt(nodes.size()));
    };
  }

  /**
   * Each {@link Next} starts at a random node and then takes the nodes in turn, wrapping around, so
   * that many short-lived {@code Next}s still spread their calls.
   */
  static Strategy roundRobin() {
    return services -> {
      List<Node> nodes = nodes(services);
      if (nodes.isEmpty()) {
        return none(services);
      }
      AtomicInteger position = new AtomicInteger(ThreadLocalRandom.current().nextInt(nodes.size()));
      return () -> nodes.get(Math.floorMod(position.getAndIncrement(), nodes.size()));
    };
  }

  /** The nodes of every service, in order; possibly empty. */
  private static List<Node> nodes(List<Service> services) {
    List<Node> nodes = new ArrayList<>();
    for (Service s : services) {
      nodes.addAll(s.nodes());
    }
    return List.copyOf(nodes);
  }

  /** A {@link Next} that always throws 500 none available. */
  private static Next none(List<Service> services) {
    String name = services.isEmpty() ? "" : services.get(0).name();
    return () -> {
      throw Errors.noneAvailable(name);
    };
  }
}
