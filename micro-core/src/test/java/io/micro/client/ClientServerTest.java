package io.micro.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.StringValue;
import io.micro.errors.MicroException;
import io.micro.metadata.Metadata;
import io.micro.registry.Node;
import io.micro.registry.Registry;
import io.micro.registry.Service;
import io.micro.registry.memory.MemoryRegistry;
import io.micro.selector.SelectOptions;
import io.micro.selector.Selector;
import io.micro.selector.Strategy;
import io.micro.server.Server;
import io.micro.transport.Transport;
import io.micro.transport.memory.MemoryTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client against the real {@link Server} (h-rpc) over {@link MemoryTransport}; {@code
 * ClientServerIT} runs the same conversation over the HTTP transport on loopback sockets.
 */
class ClientServerTest {
  public record Hello(String name) {}

  public record Reply(String msg) {}

  /** The greeter as seen by callers. */
  public interface Say {
    Reply hello(Hello req);
  }

  /** The greeter's handler. */
  public static final class SayHandler {
    final AtomicInteger boom = new AtomicInteger();
    final CountDownLatch release = new CountDownLatch(1);
    volatile Client client;

    public Reply hello(Hello req) {
      return new Reply("Hello " + req.name());
    }

    public Reply boom(Hello req) {
      boom.incrementAndGet();
      throw MicroException.internalServerError("go.micro.srv.greeter", "boom");
    }

    public Reply sleep(Hello req) throws InterruptedException {
      release.await(10, TimeUnit.SECONDS);
      return new Reply("late");
    }

    /** Calls the echo service from inside a handler: metadata and deadline must carry on. */
    public Map<String, String> relay(Hello req) {
      @SuppressWarnings("unchecked")
      Map<String, String> seen = client.call("go.micro.srv.echo", "Echo.Headers", req, Map.class);
      return seen;
    }
  }

  /** Returns the metadata it was called with, or the request in upper case. */
  public static final class Echo {
    public Map<String, String> headers(Metadata md, Hello req) {
      return new TreeMap<>(md.asMap());
    }

    public StringValue upper(StringValue v) {
      return StringValue.of(v.getValue().toUpperCase(java.util.Locale.ROOT));
    }
  }

  private Registry registry;
  private Transport transport;
  private Server greeter;
  private Server echo;
  private SayHandler handler;
  private Client client;

  protected Transport newTransport() {
    return MemoryTransport.create();
  }

  @BeforeEach
  void setUp() {
    registry = MemoryRegistry.create();
    transport = newTransport();
    handler = new SayHandler();
    greeter = server("go.micro.srv.greeter").handle("Say", handler);
    echo = server("go.micro.srv.echo").handle(new Echo());
    greeter.start();
    echo.start();
    client = Client.builder().selector(Selector.create(registry)).transport(transport)
        .backoff(Backoff.none()).build();
    handler.client = client;
  }

  private Server server(String name) {
    return Server.builder().name(name).registry(registry).transport(transport).build();
  }

  @AfterEach
  void tearDown() throws Exception {
    handler.release.countDown();
    client.close();
    greeter.close();
    echo.close();
    transport.close();
    registry.close();
  }

  @Test
  void callCallAsyncAndProxyReachTheRealServer() throws Exception {
    assertThat(client.call("go.micro.srv.greeter", "Say.Hello", new Hello("John"), Reply.class))
        .isEqualTo(new Reply("Hello John"));
    assertThat(client.callAsync(Request.of("go.micro.srv.greeter", "Say.Hello", new Hello("Ann")), Reply.class)
        .get(5, TimeUnit.SECONDS)).isEqualTo(new Reply("Hello Ann"));
    assertThat(client.proxy(Say.class, "go.micro.srv.greeter").hello(new Hello("Bo")).msg()).isEqualTo("Hello Bo");
  }

  @Test
  void metadataAndTheDeadlinePropagateThroughANestedCall() throws Exception {
    @SuppressWarnings("unchecked")
    Map<String, String> seen = client.call(
        Request.of("go.micro.srv.greeter", "Say.Relay", new Hello("x")).withHeader("X-User-Id", "42"),
        Map.class, CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(3)));
    assertThat(seen)
        .containsEntry("X-User-Id", "42")
        .containsEntry("Micro-Service", "go.micro.srv.echo")
        .containsEntry("Micro-Endpoint", "Echo.Headers");
    assertThat(Long.parseLong(seen.get("Timeout"))).isPositive().isLessThanOrEqualTo(3_000_000_000L);
  }

  @Test
  void aDeadNodeIsSkippedByRetrying() {
    Node dead = new Node("0-dead", "127.0.0.1:1", Map.of("protocol", "mucp"));
    registry.register(Service.of("go.micro.srv.greeter", "latest").withNodes(List.of(dead)), Duration.ZERO);
    // the dead node first, then the live one: the call succeeds only by retrying elsewhere
    Strategy deadFirst = services -> {
      List<Node> nodes = new ArrayList<>();
      services.forEach(s -> nodes.addAll(s.nodes()));
      nodes.sort(Comparator.comparing(Node::id));
      AtomicInteger i = new AtomicInteger();
      return () -> nodes.get(Math.min(i.getAndIncrement(), nodes.size() - 1));
    };
    CallOptions opts = CallOptions.DEFAULT.withSelectOptions(SelectOptions.builder().strategy(deadFirst).build());
    Request req = Request.of("go.micro.srv.greeter", "Say.Hello", new Hello("n"));
    assertThat(client.call(req, Reply.class, opts).msg()).isEqualTo("Hello n");
    assertThatThrownBy(() -> client.call(req, Reply.class, opts.withRetries(0)))
        .isInstanceOfSatisfying(MicroException.class, e -> assertThat(e.detail()).startsWith("connection error"));
  }

  @Test
  void aSleepingHandlerEndsIn408AfterTheDeadline() {
    Request req = Request.of("go.micro.srv.greeter", "Say.Sleep", new Hello("x"));
    assertThatThrownBy(() -> client.call(req, Reply.class, CallOptions.DEFAULT.withTimeout(Duration.ofMillis(300))))
        .isInstanceOfSatisfying(MicroException.class, e -> {
          assertThat(e.code()).isEqualTo(408);
          assertThat(e.detail()).startsWith("call timeout");
        });
  }

  @Test
  void a500IsNotRetried() {
    assertThatThrownBy(() -> client.call("go.micro.srv.greeter", "Say.Boom", new Hello("x"), Reply.class))
        .isInstanceOfSatisfying(MicroException.class, e -> {
          assertThat(e.code()).isEqualTo(500);
          assertThat(e.detail()).isEqualTo("boom");
        });
    assertThat(handler.boom.get()).isEqualTo(1);
  }

  @Test
  void protobufBodiesTravelBareToMucpNodes() {
    StringValue up = client.call(Request.proto("go.micro.srv.echo", "Echo.Upper", StringValue.of("abc")),
        StringValue.class, CallOptions.DEFAULT);
    assertThat(up.getValue()).isEqualTo("ABC");
  }

  @Test
  void aNodeWithoutProtocolIsCalledWithJsonRpcAndProtoRpcEnvelopes() {
    Server old = Server.builder().name("go.micro.srv.old").transport(transport).build().handle(new Echo());
    old.start();
    try {
      Node node = new Node("old-1", old.address(), Map.of("server", "rpc"));
      registry.register(Service.of("go.micro.srv.old", "latest").withNodes(List.of(node)), Duration.ZERO);
      @SuppressWarnings("unchecked")
      Map<String, String> seen = client.call("go.micro.srv.old", "Echo.Headers", new Hello("x"), Map.class);
      assertThat(seen).containsEntry("Content-Type", "application/json-rpc");
      StringValue up = client.call(Request.proto("go.micro.srv.old", "Echo.Upper", StringValue.of("abc")),
          StringValue.class, CallOptions.DEFAULT);
      assertThat(up.getValue()).isEqualTo("ABC");
      assertThatThrownBy(() -> client.call("go.micro.srv.old", "Echo.Nope", new Hello("x"), Map.class))
          .isInstanceOf(MicroException.class);
    } finally {
      old.close();
    }
  }
}
