package io.micro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micro.registry.memory.MemoryRegistry;
import io.micro.selector.FlakyRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** What a service does when its registry is missing at start or lost while it runs. */
class ServiceDiscoveryFaultsTest {
  record Hello(String name) {}

  record Reply(String msg) {}

  public static final class Say {
    public Reply hello(Hello hello) {
      return new Reply("Hello " + hello.name());
    }
  }

  @Test
  void aRegistryThatCannotStartFailsNamingTheRegistryAndTheAddress() {
    assertThatThrownBy(() -> Service.builder().name("faults").environment(Map.of())
            .args("--registry=mdns", "--registry_address=nope0", "--transport=memory").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("registry mdns at nope0: cannot start")
        .hasMessageContaining("'nope0' not found");
  }

  @Test
  void callsKeepWorkingFromTheCacheAndRegistrationResumesWhenTheRegistryComesBack() {
    MemoryRegistry backend = MemoryRegistry.builder().pruneInterval(Duration.ofMillis(100)).build();
    FlakyRegistry registry = new FlakyRegistry(backend);
    try (Service service = Service.builder().name("faults.greeter").registry(registry)
        .args("--transport=memory", "--register_ttl=2", "--register_interval=1")
        .environment(Map.of()).handler(new Say()).build()) {
      service.start();
      assertThat(call(service).msg()).isEqualTo("Hello A");

      registry.down(true);
      eventually(() -> backend.getService("faults.greeter").isEmpty()); // its registration lapsed
      assertThat(call(service).msg()).isEqualTo("Hello A"); // from the cache

      registry.down(false);
      eventually(() -> !backend.getService("faults.greeter").isEmpty()); // re-registered by itself
      assertThat(call(service).msg()).isEqualTo("Hello A");
    } finally {
      backend.close();
    }
  }

  private static Reply call(Service service) {
    return service.client().call("faults.greeter", "Say.Hello", new Hello("A"), Reply.class);
  }

  private static void eventually(BooleanSupplier condition) {
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("condition not met within 10 s");
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
