package io.micro.client;

import io.micro.registry.Node;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The nodes of {@link CallOptions#withAddress(String...)}: the addresses in turn from a random
 * start, as nodes with {@code protocol=mucp} (go-micro treats address-only nodes as mucp).
 */
final class AddressNext implements Supplier<Node> {
  private static final Map<String, String> MUCP = Map.of("protocol", "mucp");

  private final List<Node> nodes;
  private final AtomicInteger counter;

  AddressNext(List<String> addresses) {
    this.nodes = addresses.stream().map(a -> new Node(a, a, MUCP)).toList();
    this.counter = new AtomicInteger(ThreadLocalRandom.current().nextInt(nodes.size()));
  }

  @Override
  public Node get() {
    return nodes.get(Math.floorMod(counter.getAndIncrement(), nodes.size()));
  }
}
