package io.micro.examples.greeter.it;

import io.micro.Service;
import io.micro.client.CallWrapper;
import io.micro.examples.greeter.Request;
import io.micro.examples.greeter.Response;
import io.micro.registry.Node;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A greeter client for {@link GreeterAcrossNamespacesIT}, run as its own JVM in a namespace of its
 * own: waits (at most 30 s, or the system property {@code spread.discoveryMillis}) until the registry shows {@code <servers>} nodes of {@code
 * go.micro.srv.greeter}, prints each as {@code node <id> <address>}, then calls {@code Say.Hello}
 * {@code <calls>} times through the client's selector and prints {@code reply <address> <msg>} for
 * each, the address being the node that answered. Exits 0, or 1 with the error on stderr.
 *
 * <p>Arguments: {@code <servers> <calls> [micro flags...]}, e.g. {@code 2 20 --registry=mdns
 * --registry_address=veth0}.
 */
public final class SpreadClient {
  private static final String GREETER = "go.micro.srv.greeter";
  private static final long DISCOVERY_MILLIS = Long.getLong("spread.discoveryMillis", 30_000);

  private SpreadClient() {}

  /** Discovers, calls, prints; exits with the status. */
  public static void main(String[] args) {
    int servers = Integer.parseInt(args[0]);
    int calls = Integer.parseInt(args[1]);
    String[] flags = Arrays.copyOfRange(args, 2, args.length);
    AtomicReference<Node> answered = new AtomicReference<>();
    // the node of the attempt that succeeded: the wrapper sees the node the selector chose
    CallWrapper recordNode = (call, next) -> next.invoke(call).whenComplete((r, e) -> {
      if (e == null) {
        answered.set(call.node());
      }
    });
    int status = 0;
    try (Service service = Service.builder().name("go.micro.clt.spread").args(flags).wrapClient(recordNode).build()) {
      List<Node> nodes = awaitNodes(service, servers);
      for (Node node : nodes) {
        System.out.println("node " + node.id() + " " + node.address());
      }
      for (int i = 0; i < calls; i++) {
        answered.set(null);
        Response rsp = service.client().call(GREETER, "Say.Hello",
            Request.newBuilder().setName("John " + i).build(), Response.class);
        Node node = answered.get();
        System.out.println("reply " + (node == null ? "?" : node.address()) + " " + rsp.getMsg());
      }
    } catch (RuntimeException | InterruptedException e) {
      System.err.println(e);
      status = 1;
    }
    System.out.flush();
    System.exit(status);
  }

  private static List<Node> awaitNodes(Service service, int servers) throws InterruptedException {
    long end = System.nanoTime() + DISCOVERY_MILLIS * 1_000_000;
    List<Node> nodes = List.of();
    while (System.nanoTime() < end) {
      nodes = service.registry().getService(GREETER).stream().flatMap(s -> s.nodes().stream()).toList();
      if (nodes.size() >= servers) {
        return nodes;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(GREETER + ": " + nodes.size() + " nodes " + nodes + " after "
        + DISCOVERY_MILLIS + " ms (expected: " + servers + ")");
  }
}
