package io.micro.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micro.errors.MicroException;
import io.micro.registry.Node;
import io.micro.registry.Service;
import io.micro.registry.memory.MemoryRegistry;
import io.micro.selector.Next;
import io.micro.selector.SelectOptions;
import io.micro.selector.Selector;
import io.micro.selector.Strategy;
import io.micro.transport.Message;
import io.micro.transport.Transport;
import io.micro.transport.memory.MemoryTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Retries, deadlines, the connection pool and legacy envelopes against {@link FakeServer}s. */
class ClientRetryAndPoolTest {
  record Hello(String name) {}

  record Reply(String msg) {}

  /** Nodes in id order, then the last one again: makes "which node first" deterministic. */
  private static final Strategy IN_ID_ORDER = services -> {
    List<Node> nodes = new ArrayList<>();
    services.forEach(s -> nodes.addAll(s.nodes()));
    nodes.sort(Comparator.comparing(Node::id));
    AtomicInteger i = new AtomicInteger();
    Next next = () -> nodes.get(Math.min(i.getAndIncrement(), nodes.size() - 1));
    return next;
  };

  private MemoryRegistry registry;
  private Transport transport;
  private Selector selector;
  private final List<FakeServer> servers = new ArrayList<>();

  @BeforeEach
  void setUp() {
    registry = MemoryRegistry.create();
    transport = MemoryTransport.create();
    selector = Selector.create(registry);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (FakeServer s : servers) {
      s.close();
    }
    transport.close();
    registry.close();
  }

  private FakeServer greeter(String id, boolean mucp) {
    FakeServer s = mucp ? FakeServer.mucp(transport, registry, "greeter", id)
        : FakeServer.legacy(transport, registry, "greeter", id);
    s.handle("Say.Hello", (body, msg) -> Map.of("msg", "Hello " + body.get("name")));
    servers.add(s);
    return s;
  }

  private Client.Builder client() {
    return Client.builder().selector(selector).transport(transport).backoff(Backoff.none());
  }

  @Test
  void aConnectionErrorMovesTheCallToAnotherNode() {
    Node dead = new Node("a-dead", "127.0.0.1:1", Map.of("protocol", "mucp"));
    registry.register(Service.of("greeter", "latest").withNodes(List.of(dead)), Duration.ZERO);
    FakeServer alive = greeter("b-alive", true);
    List<String> tried = new CopyOnWriteArrayList<>();
    CallWrapper record = (call, next) -> {
      tried.add(call.node().id());
      return next.invoke(call);
    };
    try (Client c = client().wrap(record).build()) {
      Reply r = c.call(Request.of("greeter", "Say.Hello", new Hello("Ann")), Reply.class,
          CallOptions.DEFAULT.withSelectOptions(SelectOptions.builder().strategy(IN_ID_ORDER).build()));
      assertThat(r.msg()).isEqualTo("Hello Ann");
    }
    assertThat(tried).containsExactly("a-dead", "b-alive");
    assertThat(alive.calls("Say.Hello")).isEqualTo(1);
  }

  @Test
  void aDeadNodeWithoutRetriesGivesAConnectionErrorNamingTheAddress() {
    Node dead = new Node("a-dead", "127.0.0.1:1", Map.of("protocol", "mucp"));
    registry.register(Service.of("greeter", "latest").withNodes(List.of(dead)), Duration.ZERO);
    try (Client c = client().retries(0).build()) {
      assertThatThrownBy(() -> c.call("greeter", "Say.Hello", new Hello("x"), Reply.class))
          .isInstanceOfSatisfying(MicroException.class, e -> {
            assertThat(e.code()).isEqualTo(500);
            assertThat(e.id()).isEqualTo("go.micro.client");
            assertThat(e.detail()).startsWith("connection error: ").contains("127.0.0.1:1");
          });
    }
  }

  @Test
  void theDeadlineEndsTheCallWith408CallTimeout() {
    FakeServer slow = greeter("slow", true);
    slow.handle("Say.Sleep", (body, msg) -> {
      Thread.sleep(10_000);
      return Map.of();
    });
    try (Client c = client().requestTimeout(Duration.ofMillis(300)).build()) {
      assertThatThrownBy(() -> c.call("greeter", "Say.Sleep", new Hello("x"), Reply.class))
          .isInstanceOfSatisfying(MicroException.class, e -> {
            assertThat(e.code()).isEqualTo(408);
            assertThat(e.id()).isEqualTo("go.micro.client");
            assertThat(e.detail()).startsWith("call timeout: ").contains("300 ms");
          });
    }
  }

  @Test
  void a408FromTheServerIsRetriedUpToTheRetryLimit() {
    FakeServer s = greeter("busy", true);
    s.handle("Say.Busy", (body, msg) -> {
      throw MicroException.timeout("greeter", "busy");
    });
    try (Client c = client().retries(2).build()) {
      assertThatThrownBy(() -> c.call("greeter", "Say.Busy", new Hello("x"), Reply.class))
          .isInstanceOfSatisfying(MicroException.class, e -> {
            assertThat(e.code()).isEqualTo(408);
            assertThat(e.id()).isEqualTo("greeter");
          });
    }
    assertThat(s.calls("Say.Busy")).isEqualTo(3);
  }

  @Test
  void sequentialCallsReuseOneConnection() {
    FakeServer s = greeter("one", true);
    try (Client c = client().build()) {
      for (int i = 0; i < 5; i++) {
        c.call("greeter", "Say.Hello", new Hello("n" + i), Reply.class);
      }
      assertThat(((MucpClient) c).pool().dials()).isEqualTo(1);
      assertThat(((MucpClient) c).pool().idle(s.address())).isEqualTo(1);
    }
    assertThat(s.sockets).hasSize(1);
  }

  @Test
  void anErrorReplyClosesTheConnectionInsteadOfPoolingIt() {
    FakeServer s = greeter("one", true);
    try (Client c = client().build()) {
      assertThatThrownBy(() -> c.call("greeter", "Say.Missing", new Hello("x"), Reply.class))
          .isInstanceOf(MicroException.class);
      c.call("greeter", "Say.Hello", new Hello("x"), Reply.class);
      assertThat(((MucpClient) c).pool().dials()).isEqualTo(2);
    }
    assertThat(s.sockets).hasSize(2);
  }

  @Test
  void theBackoffIsAskedBeforeEveryAttemptWithItsNumber() {
    FakeServer s = greeter("busy", true);
    s.handle("Say.Busy", (body, msg) -> {
      throw MicroException.timeout("greeter", "busy");
    });
    List<Integer> asked = new CopyOnWriteArrayList<>();
    Backoff recording = (request, attempt) -> {
      asked.add(attempt);
      return attempt == 0 ? Duration.ZERO : Duration.ofMillis(1);
    };
    try (Client c = client().retries(3).backoff(recording).build()) {
      assertThatThrownBy(() -> c.call("greeter", "Say.Busy", new Hello("x"), Reply.class))
          .isInstanceOf(MicroException.class);
    }
    assertThat(asked).containsExactly(0, 1, 2, 3);
    assertThat(s.calls("Say.Busy")).isEqualTo(4);
  }

  @Test
  void aConnectionOlderThanThePoolTtlIsNotReused() {
    FakeServer s = greeter("one", true);
    try (Client c = client().poolTtl(Duration.ofNanos(1)).build()) {
      c.call("greeter", "Say.Hello", new Hello("x"), Reply.class);
      c.call("greeter", "Say.Hello", new Hello("y"), Reply.class);
      assertThat(((MucpClient) c).pool().dials()).isEqualTo(2);
    }
    assertThat(s.sockets).hasSize(2);
  }

  @Test
  void aPoolOfSizeZeroDialsForEveryCall() {
    FakeServer s = greeter("one", true);
    try (Client c = client().poolSize(0).build()) {
      c.call("greeter", "Say.Hello", new Hello("x"), Reply.class);
      c.call("greeter", "Say.Hello", new Hello("y"), Reply.class);
      assertThat(((MucpClient) c).pool().idle(s.address())).isZero();
    }
    assertThat(s.sockets).hasSize(2);
  }

  @Test
  void concurrentCallsNeverShareAConnection() throws Exception {
    int n = 8;
    CountDownLatch allArrived = new CountDownLatch(n);
    FakeServer s = greeter("one", true);
    s.handle("Say.Wait", (body, msg) -> {
      allArrived.countDown();
      allArrived.await(5, TimeUnit.SECONDS);
      return Map.of("msg", "done");
    });
    try (Client c = client().build()) {
      List<CompletableFuture<Reply>> calls = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        calls.add(c.callAsync(Request.of("greeter", "Say.Wait", new Hello("x")), Reply.class));
      }
      for (CompletableFuture<Reply> f : calls) {
        assertThat(f.get(10, TimeUnit.SECONDS).msg()).isEqualTo("done");
      }
      assertThat(((MucpClient) c).pool().idle(s.address())).isEqualTo(n);
    }
    assertThat(s.sockets).hasSize(n);
    assertThat(s.maxInFlightPerSocket.get()).isEqualTo(1);
  }

  @Test
  void aNodeWithoutProtocolGetsAJsonRpcEnvelopeAndStillTheMicroHeaders() {
    FakeServer old = greeter("old", false);
    try (Client c = client().build()) {
      assertThat(c.call("greeter", "Say.Hello", new Hello("Ann"), Reply.class).msg()).isEqualTo("Hello Ann");
    }
    Message sent = old.received.get(0);
    assertThat(sent.header("Content-Type")).isEqualTo("application/json-rpc");
    assertThat(sent.header("Accept")).isEqualTo("application/json");
    assertThat(sent.header("Micro-Service")).isEqualTo("greeter");
    assertThat(sent.header("Micro-Endpoint")).isEqualTo("Say.Hello");
    assertThat(new String(sent.body())).contains("\"method\":\"Say.Hello\"").contains("\"params\":[{\"name\":\"Ann\"}");
  }

  @Test
  void anErrorInsideALegacyEnvelopeIsThrown() {
    greeter("old", false);
    try (Client c = client().build()) {
      assertThatThrownBy(() -> c.call("greeter", "Say.Missing", new Hello("x"), Reply.class))
          .isInstanceOfSatisfying(MicroException.class,
              e -> assertThat(e.detail()).isEqualTo("rpc: can't find method Say.Missing"));
    }
  }
}
