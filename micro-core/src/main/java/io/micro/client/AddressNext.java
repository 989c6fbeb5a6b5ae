package io.micro.client;

import io.micro.registry.Node;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The nodes of {@link CallOptions#withAddress(String...)}: the addresses in turn from a random
 * start, as nodes with {@code protocol=mucp} (go-micro treats address-only nodes as mucp), or
 * {@code protocol=grpc} for an address written {@code grpc://host:port} (a plain gRPC server).
 */
final class AddressNext implements Supplier<Node> {
  private static final Map<String, String> MUCP = Map.of("protocol", "mucp");
  private static final Map<String, String> GRPC = Map.of("protocol", "grpc");
  private static final String GRPC_SCHEME = "grpc://";

  private final List<Node> nodes;
  private final AtomicInteger counter;

  AddressNext(List<String> addresses) {
    this.nodes = addresses.stream().map(AddressNext::node).toList();
    this.counter = new AtomicInteger(ThreadLocalRandom.current().nextInt(nodes.size()));
  }

  private static Node node(String address) {
    if (address.startsWith(GRPC_SCHEME)) {
      String hostPort = address.substring(GRPC_SCHEME.length());
      return new Node(hostPort, hostPort, GRPC);
    }
    return new Node(address, address, MUCP);
  }

  @Override
  public Node get() {
    return nodes.get(Math.floorMod(counter.getAndIncrement(), nodes.size()));
  }
}
