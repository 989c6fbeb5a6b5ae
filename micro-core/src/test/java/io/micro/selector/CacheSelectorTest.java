package io.micro.selector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micro.errors.MicroException;
import io.micro.registry.Endpoint;
import io.micro.registry.Node;
import io.micro.registry.Service;
import io.micro.registry.memory.MemoryRegistry;
import io.micro.selector.spi.SelectorProvider;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CacheSelectorTest {
  private static final Duration TTL = Duration.ofMinutes(1);
  private static final Duration COOLDOWN = Duration.ofSeconds(10);

  private final MemoryRegistry memory = MemoryRegistry.create();
  private final FlakyRegistry registry = new FlakyRegistry(memory);
  private final AtomicLong clock = new AtomicLong();
  private final CacheSelector selector =
      CacheSelector.builder(registry).ttl(TTL).cooldown(COOLDOWN).failuresToBlacklist(3)
          .clock(clock::get).build();

  @AfterEach
  void close() {
    selector.close();
    memory.close();
  }

  private void register(String version, Node node) {
    memory.register(Service.of("greeter", version).withNodes(List.of(node)), Duration.ZERO);
  }

  private static Node node(String id) {
    return Node.of(id, "127.0.0.1:" + (9000 + id.charAt(0)));
  }

  /** The distinct nodes 60 draws of one Next return. */
  private Set<String> drawn(SelectOptions options) {
    Next next = selector.select("greeter", options);
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 60; i++) {
      ids.add(next.get().id());
    }
    return ids;
  }

  private Set<String> drawn() {
    return drawn(SelectOptions.DEFAULT);
  }

  private void advance(Duration d) {
    clock.addAndGet(d.toNanos());
  }

  @Test
  void laterSelectionsComeFromTheCacheWithoutAskingTheRegistry() {
    register("1", node("a"));
    assertThat(drawn()).containsExactly("a");
    assertThat(drawn()).containsExactly("a");
    assertThat(registry.lookups).hasValue(1);
  }

  @Test
  void theWatchAddsAndRemovesNodesWithoutLookups() {
    register("1", node("a"));
    assertThat(drawn()).containsExactly("a");
    register("1", node("b"));
    eventually(() -> drawn().equals(Set.of("a", "b")));
    memory.deregister(Service.of("greeter", "1").withNodes(List.of(node("a"))));
    eventually(() -> drawn().equals(Set.of("b")));
    assertThat(registry.lookups).hasValue(1);
  }

  @Test
  void anExpiredAnswerIsLookedUpAgain() {
    register("1", node("a"));
    drawn();
    advance(TTL.minusSeconds(1));
    drawn();
    assertThat(registry.lookups).hasValue(1);
    advance(Duration.ofSeconds(2));
    drawn();
    assertThat(registry.lookups).hasValue(2);
  }

  @Test
  void aMissIsLookedUpAndAnUnknownServiceIsNotFound() {
    assertThatThrownBy(() -> selector.select("greeter"))
        .isInstanceOf(MicroException.class)
        .hasMessageContaining("service greeter: not found");
    register("1", node("a"));
    assertThat(drawn()).containsExactly("a");
  }

  @Test
  void whenTheRegistryFailsTheLastKnownNodesAreStillRouted() {
    register("1", node("a"));
    register("1", node("b"));
    assertThat(drawn()).containsExactlyInAnyOrder("a", "b");

    registry.down(true);
    advance(TTL.multipliedBy(10)); // long expired: the lookup fails, the cache answers
    assertThat(drawn()).containsExactlyInAnyOrder("a", "b");
    assertThat(registry.lookups.get()).isGreaterThan(1);

    registry.down(false);
    register("1", node("c"));
    advance(TTL.plusSeconds(1));
    assertThat(drawn()).containsExactlyInAnyOrder("a", "b", "c");
  }

  @Test
  void aServiceNeverSeenFailsNamingTheServiceAndTheRegistry() {
    registry.down(true);
    assertThatThrownBy(() -> selector.select("greeter"))
        .isInstanceOf(MicroException.class)
        .hasMessageContaining("error getting service greeter from registry flaky")
        .hasMessageContaining("127.0.0.1:2379 unreachable");
  }

  @Test
  void theWatchComesBackAfterTheRegistryDoes() {
    register("1", node("a"));
    drawn();
    registry.down(true); // the watch is dropped and retried
    registry.down(false);
    register("1", node("b"));
    eventually(() -> drawn().equals(Set.of("a", "b")));
  }

  /** failures before the check, whether the node is then left out. */
  static Stream<Arguments> blacklisting() {
    return Stream.of(
        Arguments.of(0, false),
        Arguments.of(1, false),
        Arguments.of(2, false),
        Arguments.of(3, true),
        Arguments.of(5, true));
  }

  @ParameterizedTest(name = "{0} failures in a row -> blacklisted: {1}")
  @MethodSource("blacklisting")
  void aNodeIsBlacklistedAfterNConsecutiveFailures(int failures, boolean blacklisted) {
    register("1", node("a"));
    register("1", node("b"));
    for (int i = 0; i < failures; i++) {
      selector.mark("greeter", node("a"), new IOException("connection refused"));
    }
    assertThat(drawn()).isEqualTo(blacklisted ? Set.of("b") : Set.of("a", "b"));
  }

  @Test
  void aSuccessResetsTheCount() {
    register("1", node("a"));
    register("1", node("b"));
    selector.mark("greeter", node("a"), new IOException("refused"));
    selector.mark("greeter", node("a"), new IOException("refused"));
    selector.mark("greeter", node("a"), null);
    selector.mark("greeter", node("a"), new IOException("refused"));
    assertThat(drawn()).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void aBlacklistedNodeIsTriedAgainAfterTheCooldownAndOneMoreFailureListsItAgain() {
    register("1", node("a"));
    register("1", node("b"));
    for (int i = 0; i < 3; i++) {
      selector.mark("greeter", node("a"), new IOException("refused"));
    }
    assertThat(drawn()).containsExactly("b");
    advance(COOLDOWN.plusMillis(1));
    assertThat(drawn()).containsExactlyInAnyOrder("a", "b");
    selector.mark("greeter", node("a"), new IOException("refused"));
    assertThat(drawn()).containsExactly("b");
    advance(COOLDOWN.plusMillis(1));
    selector.mark("greeter", node("a"), null);
    selector.mark("greeter", node("a"), new IOException("refused"));
    assertThat(drawn()).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void whenEveryNodeIsBlacklistedAllAreUsedRatherThanNone() {
    register("1", node("a"));
    for (int i = 0; i < 3; i++) {
      selector.mark("greeter", node("a"), new IOException("refused"));
    }
    assertThat(drawn()).containsExactly("a");
  }

  /** options, nodes expected. */
  static Stream<Arguments> filtersAndStrategies() {
    return Stream.of(
        Arguments.of("no filter", SelectOptions.DEFAULT, Set.of("a", "b", "c", "d")),
        Arguments.of("version 2", SelectOptions.builder().filter(Filter.version("2")).build(), Set.of("c", "d")),
        Arguments.of("version 3", SelectOptions.builder().filter(Filter.version("3")).build(), Set.of()),
        Arguments.of("dc=eu", SelectOptions.builder().filter(Filter.metadata("dc", "eu")).build(), Set.of("a", "c")),
        Arguments.of("endpoint Say.Hello", SelectOptions.builder().filter(Filter.endpoint("Say.Hello")).build(),
            Set.of("c", "d")),
        Arguments.of("version 2 and dc=us, round robin",
            SelectOptions.builder().filter(Filter.version("2"), Filter.metadata("dc", "us"))
                .strategy(Strategy.roundRobin()).build(), Set.of("d")),
        Arguments.of("round robin", SelectOptions.builder().strategy(Strategy.roundRobin()).build(),
            Set.of("a", "b", "c", "d")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("filtersAndStrategies")
  void filtersAndStrategiesApplyToTheCachedNodes(String what, SelectOptions options, Set<String> expected) {
    memory.register(new Service("greeter", "1", Map.of(), List.of(), List.of(
        new Node("a", "127.0.0.1:1", Map.of("dc", "eu")), new Node("b", "127.0.0.1:2", Map.of("dc", "us")))),
        Duration.ZERO);
    memory.register(new Service("greeter", "2", Map.of(),
        List.of(new Endpoint("Say.Hello", null, null, Map.of())), List.of(
        new Node("c", "127.0.0.1:3", Map.of("dc", "eu")), new Node("d", "127.0.0.1:4", Map.of("dc", "us")))),
        Duration.ZERO);
    if (expected.isEmpty()) {
      assertThatThrownBy(() -> selector.select("greeter", options))
          .hasMessageContaining("error selecting greeter node: none available");
    } else {
      assertThat(drawn(options)).isEqualTo(expected);
    }
  }

  @Test
  void roundRobinVisitsEveryNodeInTurn() {
    register("1", node("a"));
    register("1", node("b"));
    register("1", node("c"));
    Next next = selector.select("greeter", SelectOptions.builder().strategy(Strategy.roundRobin()).build());
    Set<String> firstThree = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      firstThree.add(next.get().id());
    }
    assertThat(firstThree).containsExactlyInAnyOrder("a", "b", "c");
  }

  @Test
  void providerNamedCacheIsFound() {
    SelectorProvider provider = ServiceLoader.load(SelectorProvider.class).stream()
        .map(ServiceLoader.Provider::get).filter(p -> p.name().equals("cache")).findFirst().orElseThrow();
    try (Selector s = provider.create(new SelectorProvider.Config(memory))) {
      assertThat(s).isInstanceOf(CacheSelector.class);
      assertThat(s.name()).isEqualTo("cache");
    }
  }

  private static void eventually(BooleanSupplier condition) {
    long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("condition not met within 5 s");
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
