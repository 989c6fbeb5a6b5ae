package io.micro.plugins.registry.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micro.errors.MicroException;
import io.micro.registry.Endpoint;
import io.micro.registry.Node;
import io.micro.registry.Registry;
import io.micro.registry.Service;
import io.micro.registry.Value;
import io.micro.registry.Watcher;
import io.micro.registry.spi.RegistryProvider;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What is specific to ZooKeeper: the exact records, Go's records, bad records, crashes, expiry. */
class ZookeeperRegistryTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  static TestingServer server;
  static CuratorFramework raw;

  private final List<Registry> opened = new ArrayList<>();
  private String name;

  @BeforeAll
  static void startServer() throws Exception {
    server = LoopbackZookeeper.start();
    raw = CuratorFrameworkFactory.builder().connectString(server.getConnectString())
        .retryPolicy(new RetryOneTime(100)).ensembleTracker(false).build();
    raw.start();
    raw.blockUntilConnected();
  }

  @AfterAll
  static void stopServer() throws Exception {
    raw.close();
    server.close();
  }

  @BeforeEach
  void uniqueName() {
    name = "zk-" + UUID.randomUUID().toString().substring(0, 8) + ".greeter";
  }

  @AfterEach
  void closeRegistries() {
    opened.forEach(Registry::close);
  }

  private ZookeeperRegistry open() {
    return open(Duration.ofMillis(200));
  }

  private ZookeeperRegistry open(Duration sweepInterval) {
    ZookeeperRegistry r = ZookeeperRegistry.builder()
        .connectString(server.getConnectString())
        .sessionTimeout(Duration.ofSeconds(10))
        .connectionTimeout(Duration.ofSeconds(3))
        .sweepInterval(sweepInterval)
        .build();
    opened.add(r);
    return r;
  }

  private static Service service(String name, String nodeId, Map<String, String> nodeMetadata) {
    Endpoint hello = new Endpoint("Say.Hello",
        new Value("Request", "Request", List.of(Value.of("name", "string"))),
        new Value("Response", "Response", List.of(Value.of("msg", "string"))), Map.of());
    return new Service(name, "1.0.0", Map.of(), List.of(hello),
        List.of(new Node(nodeId, "127.0.0.1:9001", nodeMetadata)));
  }

  @Test
  void writesOneEphemeralZnodePerNodeWithGoMicroJsonAtGoMicroPath() throws Exception {
    ZookeeperRegistry registry = open();
    registry.register(service(name, "greeter-1", Map.of("transport", "http", "protocol", "mucp")),
        Duration.ofSeconds(30));

    Stat stat = new Stat();
    byte[] data = raw.getData().storingStatIn(stat).forPath("/micro-registry/" + name + "/greeter-1");
    assertThat(new String(data, StandardCharsets.UTF_8)).isEqualTo("{\"name\":\"" + name + "\","
        + "\"version\":\"1.0.0\",\"metadata\":{},\"endpoints\":[{"
        + "\"request\":{\"name\":\"Request\",\"type\":\"Request\",\"values\":[{\"name\":\"name\",\"type\":\"string\",\"values\":null}]},"
        + "\"response\":{\"name\":\"Response\",\"type\":\"Response\",\"values\":[{\"name\":\"msg\",\"type\":\"string\",\"values\":null}]},"
        + "\"metadata\":{},\"name\":\"Say.Hello\"}],"
        + "\"nodes\":[{\"metadata\":{\"protocol\":\"mucp\",\"transport\":\"http\"},\"id\":\"greeter-1\",\"address\":\"127.0.0.1:9001\"}],"
        + "\"ttl_ms\":30000}");
    assertThat(stat.getEphemeralOwner())
        .isEqualTo(registry.curator().getZookeeperClient().getZooKeeper().getSessionId());
  }

  @Test
  void slashesInNamesBecomeDashesAsInGoMicro() throws Exception {
    ZookeeperRegistry registry = open();
    registry.register(service("team/" + name, "host/1", Map.of()), Duration.ZERO);

    byte[] data = raw.getData().forPath("/micro-registry/team-" + name + "/host-1");
    assertThat(new String(data, StandardCharsets.UTF_8)).contains("\"id\":\"host/1\"")
        .doesNotContain("ttl_ms");
    assertThat(registry.getService("team/" + name).get(0).nodes()).extracting(Node::id)
        .containsExactly("host/1");
  }

  @Test
  void recordWrittenByGoIsReadAndListedAndNeverExpires() throws Exception {
    String path = "/micro-registry/" + name + "/" + name + "-6f1c";
    String go = "{\"name\":\"" + name + "\",\"version\":\"latest\",\"metadata\":null,"
        + "\"endpoints\":[{\"request\":{\"name\":\"Request\",\"type\":\"Request\",\"values\":[{\"name\":\"name\",\"type\":\"string\",\"values\":null}]},"
        + "\"response\":{\"name\":\"Response\",\"type\":\"Response\",\"values\":[{\"name\":\"msg\",\"type\":\"string\",\"values\":null}]},"
        + "\"metadata\":{},\"name\":\"Greeter.Hello\"}],"
        + "\"nodes\":[{\"metadata\":{\"broker\":\"http\",\"protocol\":\"mucp\",\"registry\":\"zookeeper\",\"server\":\"mucp\",\"transport\":\"http\"},"
        + "\"id\":\"" + name + "-6f1c\",\"address\":\"10.0.0.12:40111\"}]}";
    // as go-micro's plugin writes it: a persistent znode, no TTL
    raw.create().creatingParentsIfNeeded().forPath(path, go.getBytes(StandardCharsets.UTF_8));
    try {
      ZookeeperRegistry registry = open();
      List<Service> found = registry.getService(name);
      assertThat(found).hasSize(1);
      Service s = found.get(0);
      assertThat(s.version()).isEqualTo("latest");
      assertThat(s.metadata()).isEmpty();
      assertThat(s.endpoints()).extracting(Endpoint::name).containsExactly("Greeter.Hello");
      assertThat(s.nodes()).extracting(Node::id, Node::address)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(name + "-6f1c", "10.0.0.12:40111"));
      assertThat(s.nodes().get(0).metadata()).containsEntry("registry", "zookeeper");
      assertThat(registry.listServices()).extracting(Service::name).contains(name);
    } finally {
      raw.delete().forPath(path);
    }
  }

  @Test
  void malformedRecordsAreSkippedAndTheWatcherSurvivesThem() throws Exception {
    ZookeeperRegistry registry = open();
    ZookeeperRegistry reader = open();
    try (Watcher watcher = reader.watch(name)) {
      String dir = "/micro-registry/" + name;
      raw.create().creatingParentsIfNeeded().forPath(dir + "/garbage", "{not json".getBytes(StandardCharsets.UTF_8));
      raw.create().forPath(dir + "/array", "[]".getBytes(StandardCharsets.UTF_8));
      raw.create().forPath(dir + "/no-nodes", ("{\"name\":\"" + name + "\"}").getBytes(StandardCharsets.UTF_8));
      raw.create().forPath(dir + "/bad-ttl", ("{\"name\":\"" + name + "\",\"ttl_ms\":\"soon\"}").getBytes(StandardCharsets.UTF_8));
      registry.register(service(name, "good-1", Map.of()), Duration.ofMinutes(1));

      Watcher.Result first = next(watcher);
      assertThat(first.action()).isEqualTo("create");
      assertThat(first.service().nodes()).extracting(Node::id).containsExactly("good-1");
      assertThat(reader.getService(name)).flatExtracting(Service::nodes).extracting(Node::id)
          .containsExactly("good-1");
      assertThat(reader.listServices()).filteredOn(s -> s.name().equals(name)).hasSize(1);

      // a valid record overwritten with garbage is gone for readers and watchers
      raw.setData().forPath(dir + "/good-1", "garbage".getBytes(StandardCharsets.UTF_8));
      assertThat(next(watcher).action()).isEqualTo("delete");
      assertThat(reader.getService(name)).isEmpty();
    } finally {
      raw.delete().deletingChildrenIfNeeded().forPath("/micro-registry/" + name);
    }
  }

  @Test
  void crashedClientsNodesVanishAndAWatcherReportsTheirDeletion() throws Exception {
    ZookeeperRegistry crashing = open();
    ZookeeperRegistry reader = open();
    try (Watcher watcher = reader.watch(name)) {
      crashing.register(service(name, "crash-1", Map.of()), Duration.ZERO);
      assertThat(next(watcher).action()).isEqualTo("create");

      crashing.curator().close(); // the process dies: no deregistration, the session ends

      Watcher.Result gone = next(watcher);
      assertThat(gone.action()).isEqualTo("delete");
      assertThat(gone.service().nodes()).extracting(Node::id).containsExactly("crash-1");
      assertThat(reader.getService(name)).isEmpty();
    }
  }

  @Test
  void nodesLostWithAnExpiredSessionAreRecreatedOnReconnect() throws Exception {
    ZookeeperRegistry owner = open();
    ZookeeperRegistry reader = open();
    try (Watcher watcher = reader.watch(name)) {
      owner.register(service(name, "phoenix-1", Map.of()), Duration.ofMinutes(1));
      assertThat(next(watcher).action()).isEqualTo("create");

      expireSession(owner);

      assertThat(next(watcher).action()).isEqualTo("delete");
      Watcher.Result back = next(watcher); // re-created without waiting for a re-registration
      assertThat(back.action()).isEqualTo("create");
      assertThat(back.service().nodes()).extracting(Node::id).containsExactly("phoenix-1");
      eventually(() -> reader.getService(name).size() == 1);
    }
  }

  @Test
  void aReaderDeletesANodeThatStopsRenewingWhileItsSessionLives() throws Exception {
    ZookeeperRegistry owner = open(Duration.ofHours(1)); // its own sweeper never runs
    ZookeeperRegistry reader = open();
    try (Watcher watcher = reader.watch(name)) {
      owner.register(service(name, "stale-1", Map.of()), Duration.ofMillis(500));
      assertThat(next(watcher).action()).isEqualTo("create");

      Watcher.Result expired = next(watcher);
      assertThat(expired.action()).isEqualTo("delete");
      assertThat(raw.checkExists().forPath("/micro-registry/" + name + "/stale-1")).isNull();
      assertThat(owner.curator().getZookeeperClient().isConnected()).isTrue();
    }
  }

  @Test
  void renewalIsNotAnUpdateButAChangedRecordIs() {
    ZookeeperRegistry registry = open();
    try (Watcher watcher = registry.watch(name)) {
      Service svc = service(name, "n-1", Map.of());
      registry.register(svc, Duration.ofMinutes(1));
      registry.register(svc, Duration.ofMinutes(1));
      registry.register(service(name, "n-1", Map.of("zone", "a")), Duration.ofMinutes(1));

      assertThat(next(watcher).action()).isEqualTo("create");
      Watcher.Result update = next(watcher);
      assertThat(update.action()).isEqualTo("update");
      assertThat(update.service().nodes().get(0).metadata()).containsEntry("zone", "a");
    }
  }

  @Test
  void providerIsFoundByNameAndConnectsToTheGivenAddresses() {
    RegistryProvider provider = ServiceLoader.load(RegistryProvider.class).stream()
        .map(ServiceLoader.Provider::get).filter(p -> p.name().equals("zookeeper"))
        .findFirst().orElseThrow();
    Registry registry = provider.create(
        new RegistryProvider.Config(List.of(server.getConnectString()), Duration.ofSeconds(3)));
    opened.add(registry);

    assertThat(registry.name()).isEqualTo("zookeeper");
    registry.register(service(name, "p-1", Map.of()), Duration.ofMinutes(1));
    assertThat(registry.getService(name)).hasSize(1);
  }

  @Test
  void unreachableEnsembleFailsAtStartNamingTheConnectString() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String connect = "127.0.0.1:" + port;
    assertThatThrownBy(() -> ZookeeperRegistry.builder().connectString(connect)
            .connectionTimeout(Duration.ofMillis(500)).build())
        .isInstanceOf(MicroException.class)
        .hasMessageContaining(connect)
        .hasMessageContaining("500 ms");
  }

  @Test
  void namesZookeeperCannotStoreAreRefusedNamingThem() {
    ZookeeperRegistry registry = open();
    assertThatThrownBy(() -> registry.register(service("..", "x", Map.of()), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("service name: '..'");
    assertThatThrownBy(() -> registry.register(service(name, "a\u0000b", Map.of()), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("node id");
  }

  /** Ends the registry's session on the server, as a long network partition would. */
  private static void expireSession(ZookeeperRegistry registry) throws Exception {
    ZooKeeper zk = registry.curator().getZookeeperClient().getZooKeeper();
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper twin = new ZooKeeper(server.getConnectString(), 10_000, e -> {
      if (e.getState() == org.apache.zookeeper.Watcher.Event.KeeperState.SyncConnected) {
        connected.countDown();
      }
    }, zk.getSessionId(), zk.getSessionPasswd());
    assertThat(connected.await(10, TimeUnit.SECONDS)).as("twin handle connected").isTrue();
    twin.close(); // closing a handle of the same session ends it for the server
  }

  private static Watcher.Result next(Watcher watcher) {
    Optional<Watcher.Result> r = watcher.next(WAIT);
    assertThat(r).as("a watch event within %s", WAIT).isPresent();
    return r.get();
  }

  private static void eventually(BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within %s", WAIT).isLessThan(end);
      Thread.sleep(50);
    }
  }
}
