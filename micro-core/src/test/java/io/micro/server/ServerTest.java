package io.micro.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micro.errors.MicroException;
import io.micro.registry.Node;
import io.micro.registry.Registry;
import io.micro.registry.Service;
import io.micro.registry.Watcher;
import io.micro.registry.memory.MemoryRegistry;
import io.micro.transport.Message;
import io.micro.transport.Socket;
import io.micro.transport.memory.MemoryTransport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Lifecycle, registration and serving over the in-memory transport. */
class ServerTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private final MemoryTransport transport = MemoryTransport.create();
  private final MemoryRegistry registry = MemoryRegistry.create();

  @AfterEach
  void close() {
    transport.close();
    registry.close();
  }

  private Server.Builder builder() {
    return Server.builder().name(Greeter.SERVICE).transport(transport).registry(registry);
  }

  private Message call(Socket socket, String endpoint, String body) {
    socket.send(new Message(Map.of("Content-Type", "application/json", "Micro-Service", Greeter.SERVICE,
        "Micro-Endpoint", endpoint), body.getBytes(UTF_8))).join();
    return socket.receive(WAIT).join();
  }

  @Test
  void startRegistersTheNodeWithGoMicroMetadataAndSortedEndpoints() {
    Server server = builder().version("1.2").id("abc").metadata(Map.of("zone", "eu", "server", "mine")).build();
    server.handle(new Greeter.Say()).handle("Greeter", new Greeter.Proto());
    server.start();
    try {
      List<Service> found = registry.getService(Greeter.SERVICE);

      assertThat(found).singleElement().satisfies(s -> {
        assertThat(s.version()).isEqualTo("1.2");
        assertThat(s.endpoints()).extracting(e -> e.name()).containsExactly("Greeter.Hello", "Say.Fail",
            "Say.Hello", "Say.Later", "Say.LaterFail", "Say.PlainFail", "Say.Whoami");
        assertThat(s.endpoints()).allSatisfy(e -> assertThat(e.metadata()).isEmpty());
        Node node = s.nodes().get(0);
        assertThat(node.id()).isEqualTo("go.micro.srv.greeter-abc");
        assertThat(node.address()).isEqualTo(server.address());
        assertThat(node.metadata()).containsEntry("protocol", "mucp").containsEntry("server", "mucp")
            .containsEntry("transport", "memory").containsEntry("registry", "memory")
            .containsEntry("zone", "eu");
      });
    } finally {
      server.stop();
    }
    assertThat(registry.getService(Greeter.SERVICE)).isEmpty();
  }

  @Test
  void advertiseAddressIsRegisteredInsteadOfTheListener() {
    Server server = builder().advertise("10.0.0.7:8080").build();
    server.start();
    try {
      assertThat(server.advertisedAddress()).isEqualTo("10.0.0.7:8080");
      assertThat(registry.getService(Greeter.SERVICE).get(0).nodes().get(0).address()).isEqualTo("10.0.0.7:8080");
    } finally {
      server.stop();
    }
  }

  @ParameterizedTest
  @EnumSource(ExecutionMode.class)
  void everyExecutionModeServesAndTheConnectionSurvivesErrors(ExecutionMode mode) {
    if (mode == ExecutionMode.VIRTUAL && !HandlerExecutors.virtualThreadsAvailable()) {
      assertThatThrownBy(() -> builder().executionMode(mode).build().start())
          .hasMessageContaining("expected: Java 21 or later");
      return;
    }
    Server server = builder().executionMode(mode).build().handle(new Greeter.Say());
    server.start();
    try {
      Socket socket = transport.dial(server.address(), WAIT).join();

      assertThat(MicroException.parse(call(socket, "Say.Fail", "{\"name\":\"x\"}").header("Micro-Error")).code())
          .isEqualTo(404);
      assertThat(MicroException.parse(call(socket, "Say.Hello", "{\"name\":").header("Micro-Error")).code())
          .isEqualTo(400);
      assertThat(MicroException.parse(call(socket, "Say.PlainFail", "{}").header("Micro-Error")).code())
          .isEqualTo(500);
      assertThat(new String(call(socket, "Say.Hello", "{\"name\":\"John\"}").body(), UTF_8))
          .isEqualTo("{\"msg\":\"Hello John\"}\n");
      assertThat(new String(call(socket, "Say.Later", "{\"name\":\"Al\"}").body(), UTF_8))
          .isEqualTo("{\"msg\":\"Later Al\"}\n");
    } finally {
      server.stop();
    }
  }

  @Test
  void pipelinedCallsOnOneConnectionAreAnsweredInOrder() {
    Server server = builder().build().handle(new Greeter.Say());
    server.start();
    try {
      Socket socket = transport.dial(server.address(), WAIT).join();
      for (int i = 0; i < 20; i++) {
        String endpoint = i % 2 == 0 ? "Say.Later" : "Say.Hello";
        socket.send(new Message(Map.of("Content-Type", "application/json", "Micro-Endpoint", endpoint),
            ("{\"name\":\"" + i + "\"}").getBytes(UTF_8)));
      }
      for (int i = 0; i < 20; i++) {
        String prefix = i % 2 == 0 ? "Later " : "Hello ";
        assertThat(new String(socket.receive(WAIT).join().body(), UTF_8))
            .isEqualTo("{\"msg\":\"" + prefix + i + "\"}\n");
      }
    } finally {
      server.stop();
    }
  }

  /** A handler that blocks until released, recording whether the registry still had the node. */
  public static final class Slow {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicBoolean registeredWhenReleased = new AtomicBoolean(true);
    final java.util.concurrent.atomic.AtomicReference<String> reply = new java.util.concurrent.atomic.AtomicReference<>();
    Registry registry;
    String service = Greeter.SERVICE;

    public Greeter.Response slow(Greeter.Request request) throws InterruptedException {
      entered.countDown();
      release.await();
      registeredWhenReleased.set(!registry.getService(service).isEmpty());
      return new Greeter.Response("done " + request.name());
    }
  }

  @Test
  void stopDeregistersFirstThenDrainsTheInFlightCallThenCloses() throws Exception {
    Slow slow = new Slow();
    slow.registry = registry;
    Server server = builder().gracePeriod(Duration.ofSeconds(30)).build().handle(slow);
    server.start();
    Socket socket = transport.dial(server.address(), WAIT).join();
    socket.send(new Message(Map.of("Content-Type", "application/json", "Micro-Endpoint", "Slow.Slow"),
        "{\"name\":\"x\"}".getBytes(UTF_8)));
    assertThat(slow.entered.await(10, TimeUnit.SECONDS)).isTrue();

    Thread stopper = new Thread(server::stop, "stopper");
    stopper.start();
    await(() -> registry.getService(Greeter.SERVICE).isEmpty());
    assertThat(stopper.isAlive()).as("stop waits for the in-flight call").isTrue();
    slow.release.countDown();

    assertThat(new String(socket.receive(WAIT).join().body(), UTF_8)).isEqualTo("{\"msg\":\"done x\"}\n");
    stopper.join(WAIT.toMillis());
    assertThat(stopper.isAlive()).isFalse();
    assertThat(slow.registeredWhenReleased).isFalse();
    assertThat(transport.dial(server.address(), WAIT)).isCompletedExceptionally();
  }

  /** A registry whose first registrations fail, as an unreachable etcd would. */
  static final class FlakyRegistry implements Registry {
    final MemoryRegistry delegate = MemoryRegistry.create();
    final AtomicInteger failures;

    FlakyRegistry(int failures) {
      this.failures = new AtomicInteger(failures);
    }

    @Override
    public String name() {
      return "flaky";
    }

    @Override
    public void register(Service service, Duration ttl) {
      if (failures.getAndDecrement() > 0) {
        throw MicroException.internalServerError("flaky", "registry unreachable");
      }
      delegate.register(service, ttl);
    }

    @Override
    public void deregister(Service service) {
      delegate.deregister(service);
    }

    @Override
    public List<Service> getService(String name) {
      return delegate.getService(name);
    }

    @Override
    public List<Service> listServices() {
      return delegate.listServices();
    }

    @Override
    public Watcher watch(String service) {
      return delegate.watch(service);
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  @Test
  void aFailingRegistrationDoesNotFailTheStartAndIsRetried() {
    FlakyRegistry flaky = new FlakyRegistry(1);
    Server server = Server.builder().name(Greeter.SERVICE).transport(transport).registry(flaky).build();
    server.start();
    try {
      assertThat(flaky.getService(Greeter.SERVICE)).isEmpty();
      await(() -> !flaky.getService(Greeter.SERVICE).isEmpty());
    } finally {
      server.stop();
      flaky.close();
    }
  }

  @Test
  void aServerStartsOnceAndRefusesDuplicateEndpoints() {
    Server server = builder().build().handle(new Greeter.Say());

    assertThatThrownBy(() -> server.handle(new Greeter.Say()))
        .hasMessageContaining("endpoint Say.Fail").hasMessageContaining("already served");
    assertThatThrownBy(() -> server.handle("Debug", new Greeter.Proto()))
        .hasMessageContaining("Debug is built in");
    server.start();
    server.stop();
    assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("stopped");
  }

  @Test
  void withoutATransportTheServerListensOnItsOwnHttpTransportOnLoopback() {
    Server server = Server.builder().name("own").build();
    server.start();
    try {
      assertThat(server.address()).startsWith("127.0.0.1:").doesNotEndWith(":0");
      assertThat(((MucpServer) server).registration().nodes().get(0).metadata()).containsEntry("transport", "http");
    } finally {
      server.stop();
    }
  }

  @Test
  void builderRejectsNonsenseNamingTheValue() {
    assertThatThrownBy(() -> Server.builder().registerInterval(Duration.ZERO))
        .hasMessage("registerInterval: PT0S (expected: > 0)");
    assertThatThrownBy(() -> Server.builder().name(" ")).hasMessage("name: ' ' (expected: non-blank)");
    assertThatThrownBy(() -> Server.builder().maxMessageSize(0)).hasMessage("maxMessageSize: 0 (expected: > 0)");
  }

  private static void await(BooleanSupplier condition) {
    long end = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("condition not met within " + WAIT);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
