package io.micro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micro.errors.MicroException;
import io.micro.registry.memory.MemoryRegistry;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The broker of a service: chosen by flag or environment, registered in node metadata, connected at start. */
class ServiceBrokerTest {
  /** A message. */
  public record Note(String text) {}

  private final MemoryRegistry registry = MemoryRegistry.create();

  @AfterEach
  void close() {
    registry.close();
  }

  @Test
  void defaultBrokerIsHttpAndRegisteredInNodeMetadata() {
    try (Service svc = Service.builder().name("notes").registry(registry).environment(Map.of()).build()) {
      assertThat(svc.broker().name()).isEqualTo("http");
      svc.start();
      assertThat(registry.getService("notes").get(0).nodes().get(0).metadata()).containsEntry("broker", "http");
      assertThat(svc.broker().address()).startsWith("127.0.0.1:");
    }
  }

  @Test
  void brokerFlagAndEnvironmentSelectIt() {
    try (Service svc = Service.builder().registry(registry).environment(Map.of("MICRO_BROKER", "memory")).build()) {
      assertThat(svc.broker().name()).isEqualTo("memory");
    }
    try (Service svc = Service.builder().registry(registry).environment(Map.of()).args("--broker=memory").build()) {
      assertThat(svc.broker().name()).isEqualTo("memory");
    }
  }

  @Test
  void unknownBrokerFailsWithTheAvailableNames() {
    assertThatThrownBy(() -> Service.builder().registry(registry).environment(Map.of()).args("--broker=natz").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown broker 'natz'").hasMessageContaining("http, memory");
  }

  @Test
  void unusableBrokerAddressFailsStartNamingBrokerAndAddress() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Service svc = Service.builder().registry(registry).environment(Map.of())
            .args("--broker_address=127.0.0.1:" + taken.getLocalPort()).build()) {
      assertThatThrownBy(svc::start).isInstanceOf(MicroException.class)
          .hasMessageContaining("broker http").hasMessageContaining("127.0.0.1:" + taken.getLocalPort());
    }
  }

  @Test
  void publisherReachesSubscriberOverTheHttpBroker() throws Exception {
    List<Note> got = new CopyOnWriteArrayList<>();
    try (Service sub = Service.builder().name("sub").registry(registry).environment(Map.of()).build();
        Service pub = Service.builder().name("pub").registry(registry).environment(Map.of()).build()) {
      sub.server().subscribe("notes", Note.class, (md, n) -> got.add(n));
      sub.start();
      long end = System.nanoTime() + 10_000_000_000L;
      while (got.isEmpty() && System.nanoTime() < end) {
        pub.client().publish("notes", new Note("hello"));
        Thread.sleep(100);
      }
      assertThat(got).contains(new Note("hello"));
    }
  }
}
