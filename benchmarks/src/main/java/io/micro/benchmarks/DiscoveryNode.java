package io.micro.benchmarks;

import io.micro.registry.Node;
import io.micro.registry.Service;
import io.micro.registry.mdns.MdnsRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A node for {@link DiscoveryBench}'s crash trials, in a process of its own: registers {@code
 * <service> <nodeId>} in mDNS on loopback with a TTL of {@code <ttlSeconds>}, re-registers every
 * half TTL as a server does, prints {@code ready} and runs until it is killed.
 */
public final class DiscoveryNode {
  private DiscoveryNode() {}

  /** Arguments: service, node id, TTL in seconds. */
  public static void main(String[] args) throws InterruptedException {
    String service = args[0];
    String id = args[1];
    Duration ttl = Duration.ofSeconds(Long.parseLong(args[2]));
    MdnsRegistry registry = MdnsRegistry.builder().build();
    Service svc = Service.of(service, "1").withNodes(
        List.of(new Node(id, "127.0.0.1:" + (20000 + Math.floorMod(id.hashCode(), 20000)), Map.of("node", id))));
    registry.register(svc, ttl);
    System.out.println("ready");
    System.out.flush();
    while (true) {
      Thread.sleep(ttl.toMillis() / 2);
      registry.register(svc, ttl);
    }
  }
}
