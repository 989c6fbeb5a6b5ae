package io.micro.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.micro.registry.Endpoint;
import io.micro.registry.Node;
import io.micro.registry.Registry;
import io.micro.registry.Service;
import io.micro.registry.Value;
import io.micro.registry.Watcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link Registry} must show, run against its real backend. A plugin's test
 * extends this class and supplies {@link #newRegistry()}; the kit's tests then run as the plugin's.
 *
 * <pre>{@code
 * class EtcdRegistryContractTest extends RegistryContract {
 *   static ExternalServer etcd;   // started in @BeforeAll
 *   protected Registry newRegistry() { return EtcdRegistry.builder().addresses(etcd.address()).build(); }
 * }
 * }</pre>
 *
 * <p>Each test uses service names unique to it, so backends need not be emptied between tests.
 * Waits for eventual consistency poll with a bound ({@link #settle()}); no test asserts timing.
 */
public abstract class RegistryContract {

  private final List<Registry> opened = new ArrayList<>();
  /** A prefix unique to the running test, for service names. */
  protected String prefix;

  /** A new registry connected to the backend under test; the kit closes it after the test. */
  protected abstract Registry newRegistry();

  /**
   * Restarts the backend, keeping or losing its data as a real restart would. The default skips
   * the restart test; backends a test can restart override it.
   */
  protected void restartBackend() {
    Assumptions.abort("this backend cannot be restarted by the test");
  }

  /**
   * Whether registrations expire when they are not renewed within their TTL. Backends that track
   * liveness another way (Kubernetes deletes the pod of a dead process) return false, which skips
   * the TTL tests with that reason; such a plugin tests its own liveness rule instead.
   */
  protected boolean expiresByTtl() {
    return true;
  }

  /** The shortest registration TTL the backend honours; default 2 s. */
  protected Duration shortTtl() {
    return Duration.ofSeconds(2);
  }

  /** How long the backend may take to make a change visible everywhere; default 5 s. */
  protected Duration settle() {
    return Duration.ofSeconds(5);
  }

  /** Opens a registry through {@link #newRegistry()} and closes it after the test. */
  protected final Registry open() {
    Registry r = newRegistry();
    opened.add(r);
    return r;
  }

  @BeforeEach
  void uniquePrefix() {
    prefix = "contract-" + UUID.randomUUID().toString().substring(0, 8) + ".";
  }

  @AfterEach
  void closeRegistries() {
    for (Registry r : opened) {
      try {
        r.close();
      } catch (RuntimeException ignored) {
        // a registry that fails to close must not hide the test's own failure
      }
    }
    opened.clear();
  }

  /** A service with one node and one endpoint, as a server registers it. */
  protected static Service service(String name, String version, String nodeId, String address) {
    Endpoint hello = new Endpoint("Say.Hello",
        new Value("Request", "Request", List.of(Value.of("name", "string"))),
        new Value("Response", "Response", List.of(Value.of("msg", "string"))), Map.of());
    Node node = new Node(nodeId, address, Map.of("protocol", "mucp", "transport", "http"));
    return new Service(name, version, Map.of(), List.of(hello), List.of(node));
  }

  @Test
  void registeredServiceCanBeFoundWithItsNodeAndEndpoints() {
    Registry registry = open();
    String name = prefix + "greeter";
    registry.register(service(name, "1.0.0", name + "-1", "127.0.0.1:9001"), Duration.ofMinutes(1));

    eventually(() -> !registry.getService(name).isEmpty());
    List<Service> found = registry.getService(name);
    assertThat(found).hasSize(1);
    Service s = found.get(0);
    assertThat(s.version()).isEqualTo("1.0.0");
    assertThat(s.nodes()).extracting(Node::id, Node::address).containsExactly(
        org.assertj.core.groups.Tuple.tuple(name + "-1", "127.0.0.1:9001"));
    assertThat(s.nodes().get(0).metadata()).containsEntry("protocol", "mucp");
    assertThat(s.endpoints()).extracting(Endpoint::name).containsExactly("Say.Hello");
    assertThat(s.endpoints().get(0).request().values()).extracting(Value::name).containsExactly("name");
  }

  @Test
  void serviceIsListedAndDisappearsAfterDeregistration() {
    Registry registry = open();
    String name = prefix + "listed";
    Service svc = service(name, "latest", name + "-1", "127.0.0.1:9002");
    registry.register(svc, Duration.ofMinutes(1));
    eventually(() -> registry.listServices().stream().anyMatch(s -> s.name().equals(name)));

    registry.deregister(svc);
    eventually(() -> registry.getService(name).isEmpty());
    eventually(() -> registry.listServices().stream().noneMatch(s -> s.name().equals(name)));
  }

  @Test
  void nodesOfOneVersionMergeAndVersionsStaySeparate() {
    Registry registry = open();
    String name = prefix + "versions";
    registry.register(service(name, "1", name + "-a", "127.0.0.1:9011"), Duration.ofMinutes(1));
    registry.register(service(name, "1", name + "-b", "127.0.0.1:9012"), Duration.ofMinutes(1));
    registry.register(service(name, "2", name + "-c", "127.0.0.1:9013"), Duration.ofMinutes(1));

    eventually(() -> nodeCount(registry, name) == 3);
    List<Service> found = registry.getService(name);
    assertThat(found).extracting(Service::version).containsExactlyInAnyOrder("1", "2");
    Service v1 = found.stream().filter(s -> s.version().equals("1")).findFirst().orElseThrow();
    assertThat(v1.nodes()).extracting(Node::id).containsExactlyInAnyOrder(name + "-a", name + "-b");

    registry.deregister(service(name, "1", name + "-a", "127.0.0.1:9011"));
    eventually(() -> nodeCount(registry, name) == 2);
    assertThat(registry.getService(name)).extracting(Service::version).containsExactlyInAnyOrder("1", "2");
  }

  @Test
  void anotherClientOfTheSameBackendSeesRegistrations() {
    Registry writer = open();
    Registry reader = open();
    String name = prefix + "shared";
    writer.register(service(name, "latest", name + "-1", "127.0.0.1:9021"), Duration.ofMinutes(1));
    eventually(() -> nodeCount(reader, name) == 1);
    writer.deregister(service(name, "latest", name + "-1", "127.0.0.1:9021"));
    eventually(() -> nodeCount(reader, name) == 0);
  }

  @Test
  void watchReportsCreateThenDeleteInOrder() {
    Registry registry = open();
    Registry other = open();
    String name = prefix + "watched";
    try (Watcher watcher = other.watch(name)) {
      Service svc = service(name, "latest", name + "-1", "127.0.0.1:9031");
      registry.register(svc, Duration.ofMinutes(1));
      Watcher.Result created = nextFor(watcher, name);
      assertThat(created.action()).isIn("create", "update");
      assertThat(created.service().nodes()).extracting(Node::id).contains(name + "-1");

      registry.deregister(svc);
      Watcher.Result deleted = nextMatching(watcher, name, "delete");
      assertThat(deleted.service().name()).isEqualTo(name);
    }
  }

  @Test
  void watchReportsEveryChangeOfAServiceInOrder() {
    Registry registry = open();
    Registry other = open();
    String name = prefix + "ordered";
    Service a = service(name, "1", name + "-a", "127.0.0.1:9032");
    Service b = service(name, "1", name + "-b", "127.0.0.1:9033");
    try (Watcher watcher = other.watch(name)) {
      registry.register(a, Duration.ofMinutes(1));
      assertThat(nextWithNode(watcher, name, name + "-a").action()).isIn("create", "update");
      registry.register(b, Duration.ofMinutes(1));
      assertThat(nextWithNode(watcher, name, name + "-b").action()).isIn("create", "update");

      registry.deregister(a);
      Watcher.Result goneA = nextChange(watcher, name, name + "-b");
      assertThat(goneA.action()).as("removing a node is a delete carrying it").isEqualTo("delete");
      assertThat(goneA.service().nodes()).extracting(Node::id).contains(name + "-a").doesNotContain(name + "-b");

      registry.deregister(b);
      Watcher.Result goneB = nextChange(watcher, name, "");
      assertThat(goneB.action()).isEqualTo("delete");
      assertThat(goneB.service().nodes()).extracting(Node::id).containsExactly(name + "-b");
    }
  }

  @Test
  void watchOfEveryServiceReportsEachOfThem() {
    Registry registry = open();
    Registry other = open();
    String first = prefix + "all-1";
    String second = prefix + "all-2";
    try (Watcher watcher = other.watch("")) {
      registry.register(service(first, "latest", first + "-1", "127.0.0.1:9035"), Duration.ofMinutes(1));
      registry.register(service(second, "latest", second + "-1", "127.0.0.1:9036"), Duration.ofMinutes(1));
      // order is promised per service only: a backend may watch each service on its own
      Map<String, String> awaited = new HashMap<>(Map.of(first, first + "-1", second, second + "-1"));
      while (!awaited.isEmpty()) {
        Watcher.Result r = next(watcher);
        String nodeId = awaited.get(r.service().name());
        if (nodeId != null && r.service().nodes().stream().anyMatch(n -> n.id().equals(nodeId))) {
          assertThat(r.action()).as("first report of %s", r.service().name()).isIn("create", "update");
          awaited.remove(r.service().name());
        }
      }
    }
  }

  @Test
  void watchOfOneServiceIgnoresOthers() {
    Registry registry = open();
    String name = prefix + "only";
    try (Watcher watcher = registry.watch(name)) {
      registry.register(service(prefix + "noise", "latest", prefix + "noise-1", "127.0.0.1:9041"),
          Duration.ofMinutes(1));
      registry.register(service(name, "latest", name + "-1", "127.0.0.1:9042"), Duration.ofMinutes(1));
      Watcher.Result first = next(watcher);
      assertThat(first.service().name()).isEqualTo(name);
    }
  }

  @Test
  void nodeThatStopsRenewingExpiresAfterItsTtl() {
    Assumptions.assumeTrue(expiresByTtl(), "this backend does not expire registrations by TTL");
    Registry registry = open();
    Registry reader = open();
    String name = prefix + "expiring";
    registry.register(service(name, "latest", name + "-1", "127.0.0.1:9051"), shortTtl());
    eventually(() -> nodeCount(reader, name) == 1);
    // no renewal: the node must go within TTL plus the backend's settle time
    eventually(() -> nodeCount(reader, name) == 0, shortTtl().plus(settle()).plus(settle()));
  }

  @Test
  void watchReportsTheExpiryOfANodeThatStoppedRenewing() {
    Assumptions.assumeTrue(expiresByTtl(), "this backend does not expire registrations by TTL");
    Registry registry = open();
    Registry reader = open();
    String name = prefix + "lapsed";
    try (Watcher watcher = reader.watch(name)) {
      registry.register(service(name, "latest", name + "-1", "127.0.0.1:9052"), shortTtl());
      assertThat(nextWithNode(watcher, name, name + "-1").action()).isIn("create", "update");
      Duration within = shortTtl().plus(settle()).plus(settle());
      long end = System.nanoTime() + within.toNanos();
      while (true) {
        Optional<Watcher.Result> r = watcher.next(Duration.ofMillis(200));
        if (r.isPresent() && r.get().service().name().equals(name) && r.get().action().equals("delete")) {
          assertThat(r.get().service().nodes()).extracting(Node::id).contains(name + "-1");
          return;
        }
        assertThat(System.nanoTime()).as("a delete within %s", within).isLessThan(end);
      }
    }
  }

  @Test
  void renewedNodeOutlivesItsTtl() throws InterruptedException {
    Registry registry = open();
    String name = prefix + "renewed";
    Service svc = service(name, "latest", name + "-1", "127.0.0.1:9061");
    registry.register(svc, shortTtl());
    long end = System.nanoTime() + shortTtl().multipliedBy(3).toNanos();
    while (System.nanoTime() < end) {
      Thread.sleep(shortTtl().toMillis() / 3);
      registry.register(svc, shortTtl());
    }
    assertThat(nodeCount(registry, name)).isEqualTo(1);
  }

  @Test
  void hundredNodesRegisteringConcurrentlyAreAllFound() throws Exception {
    Registry registry = open();
    String name = prefix + "crowd";
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        int n = i;
        done.add(pool.submit(() -> registry.register(
            service(name, "latest", name + "-" + n, "127.0.0.1:" + (10000 + n)), Duration.ofMinutes(1))));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    eventually(() -> nodeCount(registry, name) == 100);
    Registry reader = open();
    eventually(() -> nodeCount(reader, name) == 100);
  }

  @Test
  void registrationIsVisibleAgainAfterTheBackendRestarts() {
    Registry registry = open();
    String name = prefix + "restart";
    Service svc = service(name, "latest", name + "-1", "127.0.0.1:9071");
    registry.register(svc, Duration.ofMinutes(1));
    eventually(() -> nodeCount(registry, name) == 1);

    restartBackend();
    // a server re-registers on its interval; do what it would do until the backend answers
    eventually(() -> {
      try {
        registry.register(svc, Duration.ofMinutes(1));
        return nodeCount(registry, name) == 1;
      } catch (RuntimeException stillDown) {
        return false;
      }
    }, settle().multipliedBy(4));
  }

  /** The number of nodes of every version of {@code name}. */
  protected static int nodeCount(Registry registry, String name) {
    return registry.getService(name).stream().mapToInt(s -> s.nodes().size()).sum();
  }

  /** Polls {@code condition} until it holds or {@link #settle()} passes, then fails. */
  protected final void eventually(BooleanSupplier condition) {
    eventually(condition, settle());
  }

  /** Polls {@code condition} until it holds or {@code within} passes, then fails. */
  protected static void eventually(BooleanSupplier condition, Duration within) {
    long end = System.nanoTime() + within.toNanos();
    while (true) {
      if (condition.getAsBoolean()) {
        return;
      }
      if (System.nanoTime() > end) {
        throw new AssertionError("condition not met within " + within.toMillis() + " ms");
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }

  private Watcher.Result next(Watcher watcher) {
    Optional<Watcher.Result> r = watcher.next(settle());
    assertThat(r).as("a watch event within %s", settle()).isPresent();
    return r.get();
  }

  private Watcher.Result nextFor(Watcher watcher, String name) {
    while (true) {
      Watcher.Result r = next(watcher);
      if (r.service().name().equals(name)) {
        return r;
      }
    }
  }

  /** The next result about {@code name} whose nodes include {@code nodeId}. */
  private Watcher.Result nextWithNode(Watcher watcher, String name, String nodeId) {
    while (true) {
      Watcher.Result r = nextFor(watcher, name);
      if (r.service().nodes().stream().anyMatch(n -> n.id().equals(nodeId))) {
        return r;
      }
    }
  }

  /**
   * The next result about {@code name} that is not a repeat of a create/update still listing
   * {@code remaining} (a backend may re-report the nodes that stay; "" when none should stay).
   */
  private Watcher.Result nextChange(Watcher watcher, String name, String remaining) {
    while (true) {
      Watcher.Result r = nextFor(watcher, name);
      boolean repeat = !r.action().equals("delete") && !remaining.isEmpty()
          && r.service().nodes().stream().allMatch(n -> n.id().equals(remaining));
      if (!repeat) {
        return r;
      }
    }
  }

  private Watcher.Result nextMatching(Watcher watcher, String name, String action) {
    while (true) {
      Watcher.Result r = nextFor(watcher, name);
      if (r.action().equals(action)) {
        return r;
      }
    }
  }
}
