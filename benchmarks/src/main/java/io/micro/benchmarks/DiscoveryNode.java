package io.micro.benchmarks;

import io.micro.registry.Node;
import io.micro.registry.Registry;
import io.micro.registry.Service;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The other process of {@link DiscoveryBench}, on the registry {@link BenchRegistry} names. Two
 * modes:
 *
 * <ul>
 *   <li>{@code writer <service>}: reads commands from stdin, one per line, {@code register <id>
 *       <port> <ttlSeconds>} and {@code deregister <id> <port>}, runs each and prints {@code ok}
 *       (or {@code error <message>}); exits at the end of its input.
 *   <li>{@code crash <service> <nodeId> <ttlSeconds>}: registers the node with that TTL, prints
 *       {@code ready}, re-registers every half TTL as a server does, and runs until it is killed.
 * </ul>
 */
public final class DiscoveryNode {
  private DiscoveryNode() {}

  /** Arguments: see the class description. */
  public static void main(String[] args) throws IOException, InterruptedException {
    String service = args[1];
    Registry registry = BenchRegistry.open("node-" + ProcessHandle.current().pid());
    if (args[0].equals("writer")) {
      write(registry, service);
      registry.close();
      return;
    }
    String id = args[2];
    Duration ttl = Duration.ofSeconds(Long.parseLong(args[3]));
    Service svc = node(service, id, 20000 + Math.floorMod(id.hashCode(), 20000));
    registry.register(svc, ttl);
    System.out.println("ready");
    System.out.flush();
    while (true) {
      Thread.sleep(ttl.toMillis() / 2);
      registry.register(svc, ttl);
    }
  }

  /** The service with one node {@code id} at {@code 127.0.0.1:port}, metadata {@code node=id}. */
  static Service node(String service, String id, int port) {
    return Service.of(service, "1").withNodes(List.of(new Node(id, "127.0.0.1:" + port, Map.of("node", id))));
  }

  private static void write(Registry registry, String service) throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      String[] cmd = line.strip().split(" ");
      try {
        Service svc = node(service, cmd[1], Integer.parseInt(cmd[2]));
        if (cmd[0].equals("register")) {
          registry.register(svc, Duration.ofSeconds(Long.parseLong(cmd[3])));
        } else {
          registry.deregister(svc);
        }
        System.out.println("ok");
      } catch (RuntimeException e) {
        System.out.println("error " + e);
      }
      System.out.flush();
    }
  }
}
