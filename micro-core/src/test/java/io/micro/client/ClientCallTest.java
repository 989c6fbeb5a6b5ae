package io.micro.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micro.errors.MicroException;
import io.micro.metadata.Metadata;
import io.micro.registry.memory.MemoryRegistry;
import io.micro.selector.Selector;
import io.micro.transport.Message;
import io.micro.transport.Transport;
import io.micro.transport.memory.MemoryTransport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Calls, headers, errors and metadata against a {@link FakeServer} over an in-JVM transport. */
class ClientCallTest {
  record Hello(String name) {}

  record Reply(String msg) {}

  private MemoryRegistry registry;
  private Transport transport;
  private Selector selector;
  private FakeServer server;
  private Client client;

  @BeforeEach
  void setUp() {
    registry = MemoryRegistry.create();
    transport = MemoryTransport.create();
    selector = Selector.create(registry);
    server = FakeServer.mucp(transport, registry, "go.micro.srv.greeter", "greeter-1")
        .handle("Say.Hello", (body, msg) -> Map.of("msg", "Hello " + body.get("name")))
        .handle("Say.Fail", (body, msg) -> {
          throw MicroException.notFound("go.micro.srv.greeter", "no such user: %s", body.get("name"));
        })
        .handle("Say.Boom", (body, msg) -> {
          throw MicroException.internalServerError("go.micro.srv.greeter", "boom");
        })
        .handle("Say.Headers", (body, msg) -> msg.headers());
    client = Client.builder().selector(selector).transport(transport).backoff(Backoff.none()).build();
  }

  @AfterEach
  void tearDown() throws Exception {
    client.close();
    server.close();
    transport.close();
    registry.close();
  }

  @Test
  void callReturnsTheDecodedReply() {
    Reply r = client.call("go.micro.srv.greeter", "Say.Hello", new Hello("John"), Reply.class);
    assertThat(r).isEqualTo(new Reply("Hello John"));
  }

  @Test
  void callSendsGoMicrosRequestHeadersAndABareJsonBody() {
    client.call("go.micro.srv.greeter", "Say.Hello", new Hello("John"), Reply.class);
    client.call("go.micro.srv.greeter", "Say.Hello", new Hello("Ann"), Reply.class);
    Message first = server.received.get(0);
    assertThat(first.headers())
        .containsEntry("Content-Type", "application/json")
        .containsEntry("Accept", "application/json")
        .containsEntry("Timeout", "5000000000")
        .containsEntry("Micro-Id", "0")
        .containsEntry("Micro-Service", "go.micro.srv.greeter")
        .containsEntry("Micro-Endpoint", "Say.Hello")
        .containsEntry("Micro-Method", "Say.Hello");
    assertThat(new String(first.body())).startsWith("{\"name\":\"John\"}");
    assertThat(server.received.get(1).header("Micro-Id")).isEqualTo("1");
  }

  @Test
  void callAsyncCompletesWithTheReplyOffTheCallingThread() throws Exception {
    CompletableFuture<Reply> f = client.callAsync(
        Request.of("go.micro.srv.greeter", "Say.Hello", new Hello("Ann")), Reply.class);
    assertThat(f.get()).isEqualTo(new Reply("Hello Ann"));
  }

  @Test
  void aServerErrorIsThrownAsTheMicroExceptionItselfAndNotRetried() {
    assertThatThrownBy(() -> client.call("go.micro.srv.greeter", "Say.Fail", new Hello("John"), Reply.class))
        .isInstanceOfSatisfying(MicroException.class, e -> {
          assertThat(e.code()).isEqualTo(404);
          assertThat(e.id()).isEqualTo("go.micro.srv.greeter");
          assertThat(e.detail()).isEqualTo("no such user: John");
        });
    assertThat(server.calls("Say.Fail")).isEqualTo(1);
  }

  @Test
  void callAsyncFailsWithTheServerErrorUnwrapped() {
    CompletableFuture<Reply> f = client.callAsync(
        Request.of("go.micro.srv.greeter", "Say.Fail", new Hello("x")), Reply.class);
    Throwable seen = f.handle((r, e) -> e).join();
    assertThat(seen).isInstanceOf(MicroException.class);
    assertThat(((MicroException) seen).code()).isEqualTo(404);
  }

  @Test
  void aPlainTextErrorBecomesCodeZeroWithTheTextAsDetail() {
    assertThatThrownBy(() -> client.call("go.micro.srv.greeter", "Say.Missing", new Hello("x"), Reply.class))
        .isInstanceOfSatisfying(MicroException.class, e -> {
          assertThat(e.code()).isZero();
          assertThat(e.detail()).isEqualTo("rpc: can't find method Say.Missing");
        });
  }

  @Test
  void error500IsNotRetried() {
    assertThatThrownBy(() -> client.call("go.micro.srv.greeter", "Say.Boom", new Hello("x"), Reply.class))
        .isInstanceOfSatisfying(MicroException.class, e -> assertThat(e.code()).isEqualTo(500));
    assertThat(server.calls("Say.Boom")).isEqualTo(1);
  }

  @Test
  void error500IsRetriedWhenThePolicySaysSo() {
    Request r = Request.of("go.micro.srv.greeter", "Say.Boom", new Hello("x"));
    CallOptions o = CallOptions.DEFAULT.withRetries(2).withRetryPolicy(RetryPolicy.onCodes(500));
    assertThatThrownBy(() -> client.call(r, Reply.class, o)).isInstanceOf(MicroException.class);
    assertThat(server.calls("Say.Boom")).isEqualTo(3);
  }

  @Test
  void currentMetadataAndCallMetadataTravelAsHeaders() throws Exception {
    Metadata incoming = Metadata.of("X-User-Id", "42", "X-Trace", "from-caller", "Content-Length", "99",
        "Micro-Endpoint", "Other.Thing", "Micro-Stream", "7");
    Request req = Request.of("go.micro.srv.greeter", "Say.Headers", new Hello("x"))
        .withHeader("X-Trace", "from-request");
    CallOptions opts = CallOptions.DEFAULT.withHeader("X-Call", "yes");
    @SuppressWarnings("unchecked")
    Map<String, String> seen = Metadata.callWith(incoming, () -> client.call(req, Map.class, opts));
    assertThat(seen)
        .containsEntry("X-User-Id", "42")
        .containsEntry("X-Trace", "from-request")
        .containsEntry("X-Call", "yes")
        .containsEntry("Micro-Endpoint", "Say.Headers")
        .doesNotContainKeys("Content-Length", "Micro-Stream");
  }

  @Test
  void anIncomingTimeoutShortensTheCall() throws Exception {
    Metadata incoming = Metadata.of("Timeout", "1500000000");
    @SuppressWarnings("unchecked")
    Map<String, String> seen = Metadata.callWith(incoming, () ->
        client.call("go.micro.srv.greeter", "Say.Headers", new Hello("x"), Map.class));
    assertThat(Long.parseLong(seen.get("Timeout"))).isPositive().isLessThanOrEqualTo(1_500_000_000L);
  }

  @Test
  void theAttemptTimeoutSentIsTheTimeLeftWhenShorterThanTheConnectionTimeout() {
    Request req = Request.of("go.micro.srv.greeter", "Say.Headers", new Hello("x"));
    @SuppressWarnings("unchecked")
    Map<String, String> seen =
        client.call(req, Map.class, CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(2)));
    assertThat(Long.parseLong(seen.get("Timeout"))).isPositive().isLessThanOrEqualTo(2_000_000_000L);
  }

  @Test
  void anAddressBypassesDiscoveryAndSpeaksMucp() throws Exception {
    try (Client direct = Client.builder().transport(transport).build()) {
      Reply r = direct.call(Request.of("anything", "Say.Hello", new Hello("Bo")), Reply.class,
          CallOptions.DEFAULT.withAddress(server.address()));
      assertThat(r.msg()).isEqualTo("Hello Bo");
      assertThat(server.received.get(0).header("Content-Type")).isEqualTo("application/json");
    }
  }

  @Test
  void anUnknownServiceFailsWithTheSelectorsError() {
    assertThatThrownBy(() -> client.call("go.micro.srv.nobody", "Say.Hello", new Hello("x"), Reply.class))
        .isInstanceOfSatisfying(MicroException.class, e -> {
          assertThat(e.code()).isEqualTo(500);
          assertThat(e.detail()).contains("go.micro.srv.nobody");
        });
  }

  @Test
  void wrappersRunInTheOrderGivenAroundEachAttempt() {
    List<String> trace = new CopyOnWriteArrayList<>();
    CallWrapper outer = (call, next) -> {
      trace.add("outer before " + call.attempt());
      return next.invoke(call).whenComplete((r, e) -> trace.add("outer after"));
    };
    CallWrapper inner = (call, next) -> {
      trace.add("inner before");
      return next.invoke(call.withRequest(call.request().withHeader("X-Wrapped", "inner")))
          .whenComplete((r, e) -> trace.add("inner after"));
    };
    try (Client wrapped = Client.builder().selector(selector).transport(transport).wrap(outer, inner).build()) {
      wrapped.call("go.micro.srv.greeter", "Say.Hello", new Hello("x"), Reply.class);
    }
    assertThat(trace).containsExactly("outer before 0", "inner before", "inner after", "outer after");
    assertThat(server.received.get(0).header("X-Wrapped")).isEqualTo("inner");
  }

  @Test
  void aWrapperCanAnswerWithoutCallingTheServer() {
    CallWrapper cache = (call, next) -> CompletableFuture.completedFuture(new Reply("cached"));
    try (Client wrapped = Client.builder().selector(selector).transport(transport).wrap(cache).build()) {
      assertThat(wrapped.call("go.micro.srv.greeter", "Say.Hello", new Hello("x"), Reply.class).msg())
          .isEqualTo("cached");
    }
    assertThat(server.received).isEmpty();
  }

  @Test
  void aWrapperReturningNullFailsTheCallNamingTheWrapper() {
    CallWrapper broken = (call, next) -> null;
    try (Client wrapped = Client.builder().selector(selector).transport(transport).wrap(broken).build()) {
      assertThatThrownBy(() -> wrapped.call("go.micro.srv.greeter", "Say.Hello", new Hello("x"), Reply.class))
          .isInstanceOfSatisfying(MicroException.class,
              e -> assertThat(e.detail()).startsWith("call wrapper 0 (").endsWith("returned null (expected: a future)"));
    }
  }

  @Test
  void aClosedClientRefusesCalls() {
    client.close();
    assertThatThrownBy(() -> client.call("go.micro.srv.greeter", "Say.Hello", new Hello("x"), Reply.class))
        .isInstanceOfSatisfying(MicroException.class, e -> assertThat(e.detail()).isEqualTo("client closed"));
  }
}
