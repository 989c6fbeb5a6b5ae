package io.micro.registry.mdns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micro.registry.Endpoint;
import io.micro.registry.Node;
import io.micro.registry.Registry;
import io.micro.registry.Service;
import io.micro.registry.Watcher;
import io.micro.registry.Watcher.Result;
import io.micro.registry.spi.RegistryProvider;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two registries on loopback in one JVM, as two processes would be. */
class MdnsRegistryTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static MdnsRegistry a;
  private static MdnsRegistry b;

  @BeforeAll
  static void open() {
    a = MdnsRegistry.builder().hostName("host-a").build();
    b = MdnsRegistry.create();
  }

  @AfterAll
  static void close() {
    a.close();
    b.close();
  }

  /** A unique service name, so that tests (and other processes on this host) do not interfere. */
  private static String uniqueName() {
    return "go.micro.srv.test-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static Service service(String name, String version, Node... nodes) {
    return new Service(
        name, version, Map.of(), List.of(new Endpoint("Say.Hello", null, null, Map.of())), List.of(nodes));
  }

  private static Node node(String name, int port) {
    return new Node(name + "-" + UUID.randomUUID(), "127.0.0.1:" + port, Map.of("protocol", "mucp"));
  }

  @Test
  void eachRegistryFindsTheOthersNodesByVersionThenLosesThemOnDeregister() {
    String name = uniqueName();
    Node n1 = node(name, 40001);
    Node n2 = node(name, 40002);
    Node n3 = node(name, 40003);
    a.register(service(name, "1.0", n1, n2), Duration.ofSeconds(60));
    b.register(service(name, "2.0", n3), Duration.ofSeconds(60));

    long start = System.nanoTime();
    List<Service> seenByB = b.getService(name);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(seenByB).containsExactlyInAnyOrder(service(name, "1.0", n1, n2), service(name, "2.0", n3));
    assertThat(a.getService(name)).containsExactlyInAnyOrder(service(name, "1.0", n1, n2), service(name, "2.0", n3));
    assertThat(took).isLessThan(Duration.ofSeconds(3)); // 300 ms window; generous bound
    assertThat(b.listServices()).contains(Service.of(name, ""));

    a.deregister(service(name, "1.0", n1, n2));
    assertThat(b.getService(name)).containsExactly(service(name, "2.0", n3));
    b.deregister(service(name, "2.0", n3));
    assertThat(a.getService(name)).isEmpty();
    assertThat(a.listServices()).doesNotContain(Service.of(name, ""));
  }

  @Test
  void watcherHearsAnnouncementsAndGoodbyesOfTheOtherRegistryOnce() {
    String name = uniqueName();
    Node n = node(name, 40010);
    try (Watcher watcher = b.watch(name)) {
      a.register(service(name, "1.0", n), Duration.ZERO);
      a.register(service(name, "1.0", n), Duration.ZERO); // announced again, reported once
      assertThat(next(watcher)).isEqualTo(new Result("create", service(name, "1.0", n)));

      a.deregister(service(name, "1.0", n));
      assertThat(next(watcher)).isEqualTo(new Result("delete", service(name, "1.0", n)));
    }
  }

  @Test
  void aQueryFromAnEphemeralPortGetsGoShapedUnicastAnswersOnePerNode() throws Exception {
    String name = uniqueName();
    Node n1 = node(name, 40021);
    Node n2 = node(name, 40022);
    a.register(service(name, "1.0", n1, n2), Duration.ZERO);
    NetworkInterface lo = NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
    List<Packet> answers = new ArrayList<>();

    Lookup.query(
        lo,
        InetAddress.getLoopbackAddress(),
        new InetSocketAddress("224.0.0.251", 5353),
        name + ".micro.",
        Duration.ofMillis(500),
        answers::add);

    assertThat(answers).hasSize(2);
    assertThat(answers)
        .allSatisfy(
            p -> {
              assertThat(p.flags()).isEqualTo(0x8400);
              assertThat(p.questions()).containsExactly(new Packet.Question(name + ".micro.", Rr.PTR, 1));
              assertThat(p.records()).extracting(Rr::type).containsExactly(Rr.PTR, Rr.SRV, Rr.A, Rr.TXT);
              assertThat(p.records()).extracting(Rr::ttl).containsOnly(120L);
            });
    assertThat(answers)
        .extracting(p -> p.records().get(0).target())
        .containsExactlyInAnyOrder(
            n1.id() + "." + name + ".micro.", n2.id() + "." + name + ".micro.");
    a.deregister(service(name, "1.0", n1, n2));
  }

  @Test
  void aWrongInterfaceIsReportedByName() {
    assertThatThrownBy(() -> MdnsRegistry.builder().networkInterface("nope0").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'nope0' not found");
  }

  @Test
  void providerNamedMdnsTakesTheInterfaceFromTheRegistryAddress() {
    RegistryProvider provider =
        ServiceLoader.load(RegistryProvider.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(p -> p.name().equals("mdns"))
            .findFirst()
            .orElseThrow();
    try (Registry r = provider.create(new RegistryProvider.Config(List.of("127.0.0.1"), Duration.ofMillis(200)))) {
      assertThat(r.name()).isEqualTo("mdns");
    }
  }

  private static Result next(Watcher watcher) {
    return watcher.next(WAIT).orElseThrow(() -> new AssertionError("no result within " + WAIT));
  }
}
