package io.micro.registry.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micro.registry.Endpoint;
import io.micro.registry.Node;
import io.micro.registry.Registry;
import io.micro.registry.Service;
import io.micro.registry.Watcher;
import io.micro.registry.Watcher.Result;
import io.micro.registry.spi.RegistryProvider;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MemoryRegistryTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private final AtomicLong clock = new AtomicLong();
  private final MemoryRegistry registry =
      MemoryRegistry.builder().clock(clock::get).pruneInterval(Duration.ofMillis(20)).build();

  @AfterEach
  void close() {
    registry.close();
  }

  private static Service greeter(String version, Node... nodes) {
    return Service.of("greeter", version).withNodes(List.of(nodes));
  }

  private static Node node(String id) {
    return new Node(id, "127.0.0.1:" + (1000 + id.length()), Map.of("protocol", "mucp"));
  }

  @Test
  void registerMergesNodesOfOneVersionAndKeepsVersionsApart() {
    registry.register(greeter("1.0", node("a")), Duration.ZERO);
    registry.register(greeter("1.0", node("b")), Duration.ZERO);
    registry.register(greeter("1.0", node("a")), Duration.ZERO);
    registry.register(greeter("2.0", node("c")), Duration.ZERO);

    assertThat(registry.getService("greeter"))
        .containsExactly(greeter("1.0", node("a"), node("b")), greeter("2.0", node("c")));
    assertThat(registry.listServices())
        .containsExactly(Service.of("greeter", "1.0"), Service.of("greeter", "2.0"));
  }

  @Test
  void deregisterRemovesNodesThenTheVersion() {
    registry.register(greeter("1.0", node("a"), node("b")), Duration.ZERO);
    registry.deregister(greeter("1.0", node("a")));
    assertThat(registry.getService("greeter")).containsExactly(greeter("1.0", node("b")));

    registry.deregister(greeter("1.0", node("b")));
    assertThat(registry.getService("greeter")).isEmpty();
    assertThat(registry.listServices()).isEmpty();
  }

  @Test
  void unknownServiceIsAnEmptyList() {
    assertThat(registry.getService("nobody")).isEmpty();
  }

  @Test
  void nodesExpireAfterTheirOwnTtlButZeroNeverExpires() {
    registry.register(greeter("1.0", node("short")), Duration.ofSeconds(10));
    registry.register(greeter("1.0", node("forever")), Duration.ZERO);
    clock.addAndGet(Duration.ofSeconds(9).toNanos());
    registry.register(greeter("1.0", node("short")), Duration.ofSeconds(10));
    clock.addAndGet(Duration.ofSeconds(9).toNanos());
    assertThat(registry.getService("greeter").get(0).nodes()).hasSize(2);

    clock.addAndGet(Duration.ofDays(365).toNanos());
    assertThat(registry.getService("greeter")).containsExactly(greeter("1.0", node("forever")));
  }

  @Test
  void watcherSeesCreateUpdateDeleteInOrder() {
    try (Watcher watcher = registry.watch("greeter");
        Watcher all = registry.watch("")) {
      registry.register(Service.of("other", "1").withNodes(List.of(node("x"))), Duration.ZERO);
      registry.register(greeter("1.0", node("a")), Duration.ZERO);
      registry.register(greeter("1.0", node("a")), Duration.ZERO); // unchanged: no event
      registry.register(greeter("1.0", node("b")), Duration.ZERO);
      registry.deregister(greeter("1.0", node("a")));
      registry.deregister(greeter("1.0", node("b")));

      assertThat(next(watcher)).isEqualTo(new Result("create", greeter("1.0", node("a"))));
      assertThat(next(watcher))
          .isEqualTo(new Result("update", greeter("1.0", node("a"), node("b"))));
      assertThat(next(watcher)).isEqualTo(new Result("delete", greeter("1.0", node("a"))));
      assertThat(next(watcher)).isEqualTo(new Result("delete", greeter("1.0", node("b"))));
      assertThat(watcher.next(Duration.ZERO)).isEmpty();
      assertThat(next(all).service().name()).isEqualTo("other");
    }
  }

  @Test
  void changedEndpointsAreAnUpdate() {
    try (Watcher watcher = registry.watch("greeter")) {
      registry.register(greeter("1.0", node("a")), Duration.ZERO);
      Service withEndpoint =
          greeter("1.0", node("a"))
              .withEndpoints(List.of(new Endpoint("Say.Hello", null, null, Map.of())));
      registry.register(withEndpoint, Duration.ZERO);

      assertThat(next(watcher).action()).isEqualTo("create");
      assertThat(next(watcher)).isEqualTo(new Result("update", withEndpoint));
    }
  }

  @Test
  void expiringNodesYieldADeleteEachFromTheBackgroundPruner() {
    try (Watcher watcher = registry.watch("greeter")) {
      registry.register(greeter("1.0", node("a")), Duration.ofSeconds(1));
      registry.register(greeter("1.0", node("b")), Duration.ofSeconds(2));
      next(watcher);
      next(watcher);

      clock.addAndGet(Duration.ofMillis(1500).toNanos());
      assertThat(next(watcher)).isEqualTo(new Result("delete", greeter("1.0", node("a"))));
      clock.addAndGet(Duration.ofSeconds(1).toNanos());
      assertThat(next(watcher)).isEqualTo(new Result("delete", greeter("1.0", node("b"))));
    }
  }

  @Test
  void closedWatcherThrowsAndStopsReceiving() {
    Watcher watcher = registry.watch("");
    watcher.close();
    registry.register(greeter("1.0", node("a")), Duration.ZERO);
    assertThatThrownBy(() -> watcher.next(Duration.ZERO))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void registeringWithoutNodesOrWithNegativeTtlIsRefusedNamingTheValue() {
    assertThatThrownBy(() -> registry.register(greeter("1.0"), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("service greeter: no nodes (expected: at least one node)");
    assertThatThrownBy(() -> registry.register(greeter("1.0", node("a")), Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ttl: PT-1S (expected: >= 0)");
  }

  @Test
  void closingClosesWatchersAndRefusesUse() {
    Watcher watcher = registry.watch("");
    registry.close();
    assertThatThrownBy(() -> watcher.next(Duration.ZERO)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> registry.getService("greeter"))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void providerNamedMemoryIsFoundByServiceLoader() {
    RegistryProvider provider =
        ServiceLoader.load(RegistryProvider.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(p -> p.name().equals("memory"))
            .findFirst()
            .orElseThrow();
    try (Registry created = provider.create(new RegistryProvider.Config(List.of(), WAIT))) {
      assertThat(created.name()).isEqualTo("memory");
    }
  }

  private static Result next(Watcher watcher) {
    return watcher.next(WAIT).orElseThrow(() -> new AssertionError("no result within " + WAIT));
  }
}
