package io.micro.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micro.errors.MicroException;
import io.micro.registry.memory.MemoryRegistry;
import io.micro.selector.Selector;
import io.micro.transport.Transport;
import io.micro.transport.memory.MemoryTransport;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Typed proxies against a {@link FakeServer}. */
class ClientProxyTest {
  public record Hello(String name) {}

  public record Reply(String msg) {}

  /** The greeter as a Java interface. */
  public interface Say {
    Reply hello(Hello req);

    CompletableFuture<Reply> hello2(Hello req);

    CompletionStage<List<Reply>> many(Hello req);

    void ping(Hello req);

    Reply hello(Hello req, CallOptions options);

    Map<String, Object> empty();

    default String greet(String name) {
      return hello(new Hello(name)).msg() + "!";
    }
  }

  /** Not a valid proxy: two requests. */
  public interface Bad {
    Reply hello(Hello a, Hello b);
  }

  private MemoryRegistry registry;
  private Transport transport;
  private FakeServer server;
  private Client client;

  @BeforeEach
  void setUp() {
    registry = MemoryRegistry.create();
    transport = MemoryTransport.create();
    server = FakeServer.mucp(transport, registry, "go.micro.srv.greeter", "g1")
        .handle("Say.Hello", (body, msg) -> Map.of("msg", "Hello " + body.get("name")))
        .handle("Say.Hello2", (body, msg) -> Map.of("msg", "Hi " + body.get("name")))
        .handle("Say.Many", (body, msg) -> List.of(Map.of("msg", "a"), Map.of("msg", "b")))
        .handle("Say.Ping", (body, msg) -> Map.of())
        .handle("Say.Empty", (body, msg) -> Map.of("size", body.size()));
    client = Client.builder().selector(Selector.create(registry)).transport(transport).build();
  }

  @AfterEach
  void tearDown() throws Exception {
    client.close();
    server.close();
    transport.close();
    registry.close();
  }

  @Test
  void aMethodCallsTheEndpointNamedAfterTheInterfaceAndTheCapitalisedMethod() {
    Say say = client.proxy(Say.class, "go.micro.srv.greeter");
    assertThat(say.hello(new Hello("John"))).isEqualTo(new Reply("Hello John"));
    assertThat(server.received.get(0).header("Micro-Endpoint")).isEqualTo("Say.Hello");
  }

  @Test
  void futureReturningMethodsAreAsynchronousAndDecodeTheirTypeArgument() throws Exception {
    Say say = client.proxy(Say.class, "go.micro.srv.greeter");
    assertThat(say.hello2(new Hello("Ann")).get(5, TimeUnit.SECONDS)).isEqualTo(new Reply("Hi Ann"));
    assertThat(say.many(new Hello("x")).toCompletableFuture().get(5, TimeUnit.SECONDS))
        .containsExactly(new Reply("a"), new Reply("b"));
  }

  @Test
  void voidMethodsZeroArgumentMethodsAndTrailingCallOptionsWork() {
    Say say = client.proxy(Say.class, "go.micro.srv.greeter");
    say.ping(new Hello("x"));
    assertThat(say.empty()).containsEntry("size", 0);
    assertThat(say.hello(new Hello("Bo"), CallOptions.DEFAULT.withHeader("X-Opt", "1")).msg())
        .isEqualTo("Hello Bo");
    assertThat(server.received.get(2).header("X-Opt")).isEqualTo("1");
  }

  @Test
  void defaultAndObjectMethodsRunLocally() {
    Say say = client.proxy(Say.class, "go.micro.srv.greeter");
    assertThat(say.greet("Al")).isEqualTo("Hello Al!");
    assertThat(say.toString()).contains(Say.class.getName()).contains("go.micro.srv.greeter");
    assertThat(say).isEqualTo(say).isNotEqualTo(client.proxy(Say.class, "go.micro.srv.greeter"));
    assertThat(say.hashCode()).isEqualTo(System.identityHashCode(say));
  }

  @Test
  void serverErrorsAreThrownUnwrapped() {
    server.handle("Say.Hello", (body, msg) -> {
      throw MicroException.forbidden("go.micro.srv.greeter", "no");
    });
    Say say = client.proxy(Say.class, "go.micro.srv.greeter");
    assertThatThrownBy(() -> say.hello(new Hello("x")))
        .isInstanceOfSatisfying(MicroException.class, e -> assertThat(e.code()).isEqualTo(403));
  }

  @Test
  void aMethodOfAnotherShapeIsRejectedWhenTheProxyIsMade() {
    assertThatThrownBy(() -> client.proxy(Bad.class, "svc"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(Bad.class.getName() + ".hello: 2 parameters (expected: ");
    assertThatThrownBy(() -> client.proxy(String.class, "svc"))
        .hasMessage("api: java.lang.String (expected: an interface)");
  }
}
