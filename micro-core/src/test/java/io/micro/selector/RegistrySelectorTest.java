package io.micro.selector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micro.errors.MicroException;
import io.micro.registry.Node;
import io.micro.registry.Service;
import io.micro.registry.memory.MemoryRegistry;
import io.micro.selector.spi.SelectorProvider;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RegistrySelectorTest {
  private final MemoryRegistry registry = MemoryRegistry.create();

  @AfterEach
  void close() {
    registry.close();
  }

  private void register(String version, Node node) {
    registry.register(Service.of("greeter", version).withNodes(List.of(node)), Duration.ZERO);
  }

  @Test
  void selectsAmongEveryVersionThatPassesTheFilters() {
    register("1", new Node("a", "h:1", Map.of("dc", "eu")));
    register("2", new Node("b", "h:2", Map.of("dc", "eu")));
    register("2", new Node("c", "h:3", Map.of("dc", "us")));
    try (Selector selector = Selector.create(registry)) {
      SelectOptions options =
          SelectOptions.builder()
              .filter(Filter.version("2"), Filter.metadata("dc", "eu"))
              .strategy(Strategy.roundRobin())
              .build();
      Next next = selector.select("greeter", options);
      assertThat(next.get().id()).isEqualTo("b");
      assertThat(next.get().id()).isEqualTo("b");
      assertThat(selector.select("greeter").get().id()).isIn("a", "b", "c");
    }
  }

  @Test
  void unknownServiceIsNotFoundNamingIt() {
    try (Selector selector = Selector.create(registry)) {
      assertThatThrownBy(() -> selector.select("nobody"))
          .isInstanceOfSatisfying(
              MicroException.class,
              e -> {
                assertThat(e.code()).isEqualTo(500);
                assertThat(e.id()).isEqualTo("go.micro.client");
                assertThat(e.detail()).isEqualTo("service nobody: not found");
              });
    }
  }

  @Test
  void nothingLeftAfterFilteringIsNoneAvailable() {
    register("1", Node.of("a", "h:1"));
    try (Selector selector = Selector.create(registry)) {
      SelectOptions options = SelectOptions.builder().filter(Filter.version("9")).build();
      assertThatThrownBy(() -> selector.select("greeter", options))
          .isInstanceOfSatisfying(
              MicroException.class,
              e -> assertThat(e.detail()).isEqualTo("error selecting greeter node: none available"));
    }
  }

  @Test
  void cachedAnswerIsReusedUntilAFailureIsMarked() {
    register("1", Node.of("a", "h:1"));
    try (Selector selector = RegistrySelector.builder(registry).cacheTtl(Duration.ofHours(1)).build()) {
      Node a = selector.select("greeter").get();
      registry.deregister(Service.of("greeter", "1").withNodes(List.of(a)));
      register("1", Node.of("b", "h:2"));
      assertThat(selector.select("greeter").get().id()).isEqualTo("a");

      selector.mark("greeter", a, null);
      assertThat(selector.select("greeter").get().id()).isEqualTo("a");
      selector.mark("greeter", a, new IllegalStateException("connection refused"));
      assertThat(selector.select("greeter").get().id()).isEqualTo("b");
    }
  }

  @Test
  void zeroCacheTtlAsksTheRegistryEveryTime() {
    register("1", Node.of("a", "h:1"));
    try (Selector selector = RegistrySelector.builder(registry).cacheTtl(Duration.ZERO).build()) {
      assertThat(selector.select("greeter").get().id()).isEqualTo("a");
      registry.deregister(Service.of("greeter", "1").withNodes(List.of(Node.of("a", "h:1"))));
      assertThatThrownBy(() -> selector.select("greeter"))
          .isInstanceOfSatisfying(
              MicroException.class,
              e -> assertThat(e.detail()).isEqualTo("service greeter: not found"));
    }
  }

  @Test
  void providerNamedRegistryIsFoundByServiceLoader() {
    SelectorProvider provider =
        ServiceLoader.load(SelectorProvider.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(p -> p.name().equals("registry"))
            .findFirst()
            .orElseThrow();
    try (Selector selector = provider.create(new SelectorProvider.Config(registry))) {
      assertThat(selector.name()).isEqualTo("registry");
    }
  }
}
