package io.micro.plugins.registry.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.LeaseOption;
import io.micro.cmd.Plugins;
import io.micro.errors.MicroException;
import io.micro.registry.Endpoint;
import io.micro.registry.Node;
import io.micro.registry.Registry;
import io.micro.registry.Service;
import io.micro.registry.Value;
import io.micro.registry.Watcher;
import io.micro.registry.spi.RegistryProvider;
import io.micro.testing.ExternalServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the etcd registry writes and reads, checked with a raw etcd client beside it. */
class EtcdRegistryTest {
  /** protocol doc C.5: what go-micro writes for helloworld, byte for byte. */
  private static final String GO_RECORD = "{\"name\":\"helloworld\",\"version\":\"latest\",\"metadata\":null,"
      + "\"endpoints\":[{\"request\":{\"name\":\"Request\",\"type\":\"Request\",\"values\":[{\"name\":\"name\","
      + "\"type\":\"string\",\"values\":null}]},\"response\":{\"name\":\"Response\",\"type\":\"Response\","
      + "\"values\":[{\"name\":\"msg\",\"type\":\"string\",\"values\":null}]},\"metadata\":{},"
      + "\"name\":\"Greeter.Hello\"}],\"nodes\":[{\"metadata\":{\"broker\":\"http\",\"protocol\":\"mucp\","
      + "\"registry\":\"mdns\",\"server\":\"mucp\",\"transport\":\"http\"},\"id\":\"helloworld-6f1c\","
      + "\"address\":\"10.0.0.12:40111\"}]}";

  private static ExternalServer etcd;
  private static Client raw;
  private Registry registry;
  private String unique;

  @BeforeAll
  static void startEtcd() {
    etcd = Etcd.start();
    raw = Etcd.raw(etcd);
  }

  @AfterAll
  static void stopEtcd() {
    if (raw != null) {
      raw.close();
    }
    if (etcd != null) {
      etcd.close();
    }
  }

  @BeforeEach
  void open() {
    registry = EtcdRegistry.builder().addresses(etcd.address()).build();
    unique = "t" + UUID.randomUUID().toString().substring(0, 8);
  }

  @AfterEach
  void close() {
    registry.close();
  }

  /** The helloworld service of protocol doc C.5, under {@code name}. */
  private static Service helloworld(String name, String nodeId) {
    Endpoint hello = new Endpoint("Greeter.Hello",
        new Value("Request", "Request", List.of(Value.of("name", "string"))),
        new Value("Response", "Response", List.of(Value.of("msg", "string"))), Map.of());
    Node node = new Node(nodeId, "10.0.0.12:40111", Map.of("broker", "http", "protocol", "mucp",
        "registry", "mdns", "server", "mucp", "transport", "http"));
    return new Service(name, "latest", Map.of(), List.of(hello), List.of(node));
  }

  @Test
  void nodeIsStoredUnderGoMicrosKeyAsTheJsonGoWritesWithALeaseOfItsTtl() throws Exception {
    registry.register(helloworld("helloworld", "helloworld-6f1c"), Duration.ofSeconds(60));

    KeyValue kv = Etcd.get(raw, "/micro/registry/helloworld/helloworld-6f1c").orElseThrow();
    assertThat(Etcd.text(kv.getValue())).isEqualTo(GO_RECORD);
    assertThat(kv.getLease()).isNotZero();
    assertThat(raw.getLeaseClient().timeToLive(kv.getLease(), LeaseOption.DEFAULT)
        .get(5, TimeUnit.SECONDS).getGrantedTTL()).isEqualTo(60);
    registry.deregister(helloworld("helloworld", "helloworld-6f1c"));
  }

  @Test
  void slashesInServiceNamesAndNodeIdsBecomeDashesInTheKey() throws Exception {
    String name = unique + "/api/v1";
    registry.register(helloworld(name, "node/1"), Duration.ofMinutes(1));

    assertThat(Etcd.get(raw, "/micro/registry/" + unique + "-api-v1/node-1")).isPresent();
    assertThat(registry.getService(name)).singleElement()
        .satisfies(s -> assertThat(s.nodes()).extracting(Node::id).containsExactly("node/1"));
  }

  @Test
  void aRecordWrittenByGoIsFoundListedAndWatched() throws Exception {
    String name = unique + ".go";
    String goJson = GO_RECORD.replace("\"helloworld\"", "\"" + name + "\"")
        .replace("\"nodes\"", "\"extra\":{\"added\":\"by a newer go-micro\"},\"nodes\"");
    try (Watcher watcher = registry.watch(name)) {
      Etcd.put(raw, "/micro/registry/" + name + "/helloworld-6f1c", goJson);

      Watcher.Result created = watcher.next(Duration.ofSeconds(5)).orElseThrow();
      assertThat(created.action()).isEqualTo("create");
      assertThat(created.service().nodes()).extracting(Node::address).containsExactly("10.0.0.12:40111");
    }
    Service found = registry.getService(name).get(0);
    assertThat(found.version()).isEqualTo("latest");
    assertThat(found.metadata()).isEmpty();
    assertThat(found.endpoints()).extracting(Endpoint::name).containsExactly("Greeter.Hello");
    assertThat(found.nodes().get(0).metadata()).containsEntry("protocol", "mucp");
    assertThat(registry.listServices()).anySatisfy(s -> assertThat(s.name()).isEqualTo(name));
  }

  @Test
  void aMalformedValueIsSkippedWithOneWarningNamingItsKeyAndTheWatcherSurvives() throws Exception {
    String name = unique + ".poisoned";
    String badKey = "/micro/registry/" + name + "/garbage";
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream original = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try (Watcher watcher = registry.watch(name)) {
      Etcd.put(raw, badKey, "{not json");
      registry.register(helloworld(name, "good-1"), Duration.ofMinutes(1));

      Watcher.Result first = watcher.next(Duration.ofSeconds(5)).orElseThrow();
      assertThat(first.action()).isEqualTo("create");
      assertThat(first.service().nodes()).extracting(Node::id).containsExactly("good-1");
      assertThat(registry.getService(name)).singleElement()
          .satisfies(s -> assertThat(s.nodes()).extracting(Node::id).containsExactly("good-1"));
      assertThat(registry.getService(name)).hasSize(1);
      assertThat(registry.listServices()).anySatisfy(s -> assertThat(s.name()).isEqualTo(name));
    } finally {
      System.setErr(original);
    }
    String log = err.toString(StandardCharsets.UTF_8);
    assertThat(log.split(java.util.regex.Pattern.quote(badKey), -1)).hasSize(2);
    assertThat(log).contains("WARN").contains("not a service record");
  }

  @Test
  void anUnchangedNodeOnlyRefreshesItsLeaseAndAChangedOneIsWrittenAgain() throws Exception {
    String name = unique + ".renew";
    String key = "/micro/registry/" + name + "/n1";
    Service svc = helloworld(name, "n1");
    registry.register(svc, Duration.ofSeconds(30));
    KeyValue first = Etcd.get(raw, key).orElseThrow();

    registry.register(svc, Duration.ofSeconds(30));
    KeyValue again = Etcd.get(raw, key).orElseThrow();
    assertThat(again.getModRevision()).isEqualTo(first.getModRevision());
    assertThat(again.getLease()).isEqualTo(first.getLease());

    Service changed = svc.withNodes(List.of(new Node("n1", "10.0.0.13:40111", Map.of())));
    registry.register(changed, Duration.ofSeconds(30));
    KeyValue rewritten = Etcd.get(raw, key).orElseThrow();
    assertThat(rewritten.getModRevision()).isGreaterThan(first.getModRevision());
    assertThat(Etcd.text(rewritten.getValue())).contains("10.0.0.13:40111");
    assertThat(rewritten.getLease()).isNotEqualTo(first.getLease());
  }

  @Test
  void aNodeWhoseLeaseEtcdForgotIsWrittenAgainOnItsNextRegistration() throws Exception {
    String name = unique + ".lost";
    String key = "/micro/registry/" + name + "/n1";
    Service svc = helloworld(name, "n1");
    registry.register(svc, Duration.ofSeconds(30));
    long lease = Etcd.get(raw, key).orElseThrow().getLease();
    raw.getLeaseClient().revoke(lease).get(5, TimeUnit.SECONDS);
    assertThat(Etcd.get(raw, key)).isEmpty();

    registry.register(svc, Duration.ofSeconds(30));

    KeyValue back = Etcd.get(raw, key).orElseThrow();
    assertThat(back.getLease()).isNotZero().isNotEqualTo(lease);
  }

  @Test
  void deregisterDeletesTheKeyAndRevokesTheLease() throws Exception {
    String name = unique + ".gone";
    String key = "/micro/registry/" + name + "/n1";
    registry.register(helloworld(name, "n1"), Duration.ofSeconds(30));
    long lease = Etcd.get(raw, key).orElseThrow().getLease();

    registry.deregister(helloworld(name, "n1"));

    assertThat(Etcd.get(raw, key)).isEmpty();
    eventually(() -> ttlOf(lease) == -1);
  }

  @Test
  void aZeroTtlWritesAKeyWithoutALease() throws Exception {
    String name = unique + ".forever";
    registry.register(helloworld(name, "n1"), Duration.ZERO);
    assertThat(Etcd.get(raw, "/micro/registry/" + name + "/n1").orElseThrow().getLease()).isZero();
    registry.deregister(helloworld(name, "n1"));
  }

  @Test
  void watchReportsAChangedNodeAsUpdate() {
    String name = unique + ".upd";
    Service svc = helloworld(name, "n1");
    try (Watcher watcher = registry.watch("")) {
      registry.register(svc, Duration.ofMinutes(1));
      registry.register(svc.withNodes(List.of(new Node("n1", "10.0.0.14:1", Map.of()))), Duration.ofMinutes(1));

      List<String> actions = new java.util.ArrayList<>();
      while (actions.size() < 2) {
        Watcher.Result r = watcher.next(Duration.ofSeconds(5)).orElseThrow();
        if (r.service().name().equals(name)) {
          actions.add(r.action());
        }
      }
      assertThat(actions).containsExactly("create", "update");
    }
  }

  @Test
  void aWatcherAndTheRegistrySurviveAnEtcdRestart() {
    String name = unique + ".restart";
    try (Watcher watcher = registry.watch(name)) {
      etcd.restart();

      long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (true) {
        try {
          registry.register(helloworld(name, "n1"), Duration.ofMinutes(1));
          break;
        } catch (MicroException stillReconnecting) {
          assertThat(System.nanoTime()).as("registered again within 20 s").isLessThan(end);
        }
      }
      Watcher.Result created = watcher.next(Duration.ofSeconds(10)).orElseThrow();
      assertThat(created.action()).isEqualTo("create");
      assertThat(created.service().name()).isEqualTo(name);
    }
  }

  @Test
  void anotherPrefixKeepsItsRecordsApart() throws Exception {
    try (EtcdRegistry other = EtcdRegistry.builder().addresses("http://" + etcd.address())
        .prefix("/other/registry").build()) {
      String name = unique + ".apart";
      other.register(helloworld(name, "n1"), Duration.ofMinutes(1));

      assertThat(Etcd.get(raw, "/other/registry/" + name + "/n1")).isPresent();
      assertThat(other.getService(name)).hasSize(1);
      assertThat(registry.getService(name)).isEmpty();
    }
  }

  @Test
  void theProviderIsFoundByNameAndConnectsToTheGivenAddress() {
    RegistryProvider provider = ServiceLoader.load(RegistryProvider.class).stream()
        .map(ServiceLoader.Provider::get).filter(p -> p.name().equals("etcd")).findFirst().orElseThrow();
    assertThat(provider).isInstanceOf(EtcdRegistryProvider.class);

    try (Registry viaFlags = Plugins.load().registry("etcd",
        new RegistryProvider.Config(List.of(etcd.address()), Duration.ZERO))) {
      String name = unique + ".flags";
      viaFlags.register(helloworld(name, "n1"), Duration.ofMinutes(1));
      assertThat(registry.getService(name)).hasSize(1);
      assertThat(viaFlags.name()).isEqualTo("etcd");
    }
  }

  @Test
  void anUnreachableEtcdFailsTheBuildNamingTheAddresses() {
    String nobody = "127.0.0.1:" + ExternalServer.findFreePort();

    assertThatThrownBy(() -> EtcdRegistry.builder().addresses(nobody, "localhost:1")
        .dialTimeout(Duration.ofMillis(300)).build())
        .isInstanceOf(MicroException.class)
        .hasMessageContaining("cannot use etcd at " + nobody + ",localhost:1")
        .hasMessageContaining("no answer within 300 ms");
  }

  @Test
  void aBadAddressIsRejectedNamingIt() {
    assertThatThrownBy(() -> EtcdRegistry.builder().addresses("host:port:x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("address: 'host:port:x' (expected: host:port)");
  }

  private static void eventually(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition met within 5 s").isLessThan(end);
      Thread.sleep(50);
    }
  }

  private static long ttlOf(long lease) {
    try {
      return raw.getLeaseClient().timeToLive(lease, LeaseOption.DEFAULT).get(5, TimeUnit.SECONDS).getTTL();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
