package io.micro.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.StringValue;
import io.micro.client.Client;
import io.micro.errors.MicroException;
import io.micro.metadata.Metadata;
import io.micro.registry.memory.MemoryRegistry;
import io.micro.selector.Selector;
import io.micro.transport.http.HttpTransport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real server on the HTTP transport on 127.0.0.1, driven with raw sockets and the JDK's HTTP
 * client sending the bytes go-micro peers send (protocol doc Part F).
 */
class ServerWireIT {
  private static final int MAX = 64 * 1024;
  private static HttpTransport transport;
  private static MemoryRegistry registry;
  private static Server server;

  @BeforeAll
  static void start() {
    transport = HttpTransport.builder().maxMessageSize(MAX).build();
    registry = MemoryRegistry.create();
    server = Server.builder().name(Greeter.SERVICE).transport(transport).registry(registry)
        .maxMessageSize(MAX).build()
        .handle(new Greeter.Say()).handle(new Greeter.Proto());
    server.start();
  }

  @AfterAll
  static void stop() {
    server.stop();
    transport.close();
    registry.close();
  }

  private static Map<String, String> mucp(String endpoint, String contentType) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Content-Type", contentType);
    h.put("Micro-Service", Greeter.SERVICE);
    h.put("Micro-Endpoint", endpoint);
    return h;
  }

  private static MicroException error(RawHttp.Response r) {
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEmpty();
    assertThat(r.header("X-Micro-Error")).isEqualTo(r.header("Micro-Error"));
    return MicroException.parse(r.header("Micro-Error"));
  }

  @Test
  void mucpJsonCallIsAnsweredWithTheBareReply() throws Exception {
    try (RawHttp http = new RawHttp(server.address())) {
      RawHttp.Response r = http.post(mucp("Say.Hello", "application/json"), "{\"name\":\"John\"}");

      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("{\"msg\":\"Hello John\"}\n");
      assertThat(r.header("Content-Type")).isEqualTo("application/json");
      assertThat(r.header("Micro-Error")).isNull();
    }
  }

  @Test
  void mucpProtobufCallIsAnsweredWithProtobufBytes() throws Exception {
    try (RawHttp http = new RawHttp(server.address())) {
      byte[] request = {0x0a, 0x04, 'J', 'o', 'h', 'n'}; // Request{name: "John"}
      RawHttp.Response r = http.post(mucp("Proto.Hello", "application/protobuf"), request);

      assertThat(r.status()).isEqualTo(200);
      assertThat(StringValue.parseFrom(r.body()).getValue()).isEqualTo("Hello John");
      assertThat(r.body()).isEqualTo(StringValue.of("Hello John").toByteArray());
    }
  }

  @Test
  void legacyJsonRpcWithoutMicroHeadersIsAnsweredInTheEnvelope() throws Exception {
    try (RawHttp http = new RawHttp(server.address())) {
      RawHttp.Response r = http.post(Map.of("Content-Type", "application/json"),
          "{\"method\":\"Say.Hello\",\"params\":[{\"name\":\"John\"}],\"jsonrpc\":\"2.0\",\"id\":0}");

      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("{\"id\":0,\"result\":{\"msg\":\"Hello John\"},\"error\":null}\n");
      assertThat(r.header("Micro-Id")).isEqualTo("0");
      assertThat(r.header("X-Micro-Id")).isEqualTo("0");
    }
  }

  @Test
  void goShapedRequestsAreServed() throws Exception {
    try (RawHttp http = new RawHttp(server.address())) {
      Map<String, String> go = new LinkedHashMap<>(); // protocol doc F.2, byte for byte
      go.put("User-Agent", "Go-http-client/1.1");
      go.put("Accept", "application/json");
      go.put("Content-Type", "application/json");
      go.put("Micro-Endpoint", "Say.Hello");
      go.put("Micro-Id", "0");
      go.put("Micro-Method", "Say.Hello");
      go.put("Micro-Service", Greeter.SERVICE);
      go.put("Timeout", "5000000000");
      RawHttp.Response r = http.post(go, "{\"name\":\"John\"}\n");

      assertThat(r.text()).isEqualTo("{\"msg\":\"Hello John\"}\n");
      assertThat(r.header("Content-Length")).isEqualTo("21");

      Map<String, String> xOnly = Map.of("Content-Type", "application/json",
          "X-Micro-Service", Greeter.SERVICE, "X-Micro-Method", "Say.Hello");
      assertThat(http.post(xOnly, "{\"name\":\"Ann\"}").text()).isEqualTo("{\"msg\":\"Hello Ann\"}\n");
    }
  }

  @Test
  void afterEveryErrorTheSameConnectionServesTheNextRequest() throws Exception {
    try (RawHttp http = new RawHttp(server.address())) {
      MicroException malformed = error(http.post(mucp("Say.Hello", "application/json"), "{\"name\":"));
      assertThat(malformed.code()).isEqualTo(400);
      assertThat(malformed.detail()).contains("malformed JSON body for Request");

      MicroException unknown = error(http.post(mucp("Say.Missing", "application/json"), "{}"));
      assertThat(unknown.code()).isEqualTo(404);
      assertThat(unknown.toJson()).startsWith("{\"id\":\"go.micro.srv.greeter\",\"code\":404,"
          + "\"detail\":\"unknown endpoint Say.Missing (known: Debug.Health, Debug.Stats, Health.Check, Health.Watch, Proto.Hello, Say.Fail,");

      MicroException thrown = error(http.post(mucp("Say.PlainFail", "application/json"), "{\"name\":\"x\"}"));
      assertThat(thrown.code()).isEqualTo(500);
      assertThat(thrown.detail()).isEqualTo("database down while greeting x");

      MicroException micro = error(http.post(mucp("Say.Fail", "application/json"), "{\"name\":\"John\"}"));
      assertThat(micro.toJson()).isEqualTo("{\"id\":\"go.micro.srv.greeter\",\"code\":404,"
          + "\"detail\":\"no such user: John\",\"status\":\"Not Found\"}");

      RawHttp.Response tooLarge = http.post(mucp("Say.Hello", "application/json"), new byte[MAX + 1]);
      assertThat(tooLarge.status()).isEqualTo(413);
      assertThat(MicroException.parse(tooLarge.header("Micro-Error")).code()).isEqualTo(413);

      RawHttp.Response plain = http.post(mucp("Say.Hello", "text/plain"), "John");
      assertThat(plain.status()).isEqualTo(200);
      assertThat(plain.header("Content-Type")).isEqualTo("text/plain");
      assertThat(plain.text()).isEqualTo("unsupported Content-Type: text/plain");

      RawHttp.Response legacyError = http.post(Map.of("Content-Type", "application/json"),
          "{\"method\":\"Say.Nope\",\"params\":[{}],\"id\":5}");
      assertThat(MicroException.parse(legacyError.header("Micro-Error")).code()).isEqualTo(404);
      assertThat(legacyError.text()).startsWith("{\"id\":5,\"result\":null,\"error\":\"{");

      assertThat(http.post(mucp("Say.Hello", "application/json"), "{\"name\":\"John\"}").text())
          .isEqualTo("{\"msg\":\"Hello John\"}\n");
    }
  }

  @Test
  void theJdkHttpClientCanCallTheServer() throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + server.address() + "/"))
        .header("Content-Type", "application/json")
        .header("Micro-Service", Greeter.SERVICE)
        .header("Micro-Endpoint", "Debug.Health")
        .POST(HttpRequest.BodyPublishers.ofString("{}"))
        .build();

    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"status\":\"ok\"}\n");
  }

  /** Back end: tells who the original caller was. */
  public static final class Back {
    public Greeter.Response who(Metadata md, Greeter.Request request) {
      return new Greeter.Response(request.name() + " via " + md.get("X-User").orElse("nobody"));
    }
  }

  /** Front end: calls the back end inside its handler. */
  public static final class Front {
    private final Client client;

    Front(Client client) {
      this.client = client;
    }

    public Greeter.Response hello(Greeter.Request request) {
      return client.call("back", "Back.Who", request, Greeter.Response.class);
    }
  }

  @Test
  void aHeaderOfTheOriginalCallerReachesANestedCall() throws Exception {
    Selector selector = Selector.create(registry);
    try (Client client = Client.builder().selector(selector).transport(transport).build()) {
      Server back = Server.builder().name("back").transport(transport).registry(registry).build()
          .handle(new Back());
      Server front = Server.builder().name("front").transport(transport).registry(registry).build()
          .handle(new Front(client));
      back.start();
      front.start();
      try (RawHttp http = new RawHttp(front.address())) {
        Map<String, String> h = mucp("Front.Hello", "application/json");
        h.put("X-User", "alice");

        assertThat(http.post(h, "{\"name\":\"John\"}").text()).isEqualTo("{\"msg\":\"John via alice\"}\n");
      } finally {
        front.stop();
        back.stop();
        selector.close();
      }
    }
  }

  @Test
  void gracefulShutdownDeregistersFirstAndDrainsTheInFlightCall() throws Exception {
    ServerTest.Slow slow = new ServerTest.Slow();
    slow.registry = registry;
    slow.service = "slow";
    Server draining = Server.builder().name("slow").transport(transport).registry(registry)
        .gracePeriod(Duration.ofSeconds(30)).build().handle(slow);
    draining.start();
    try (RawHttp http = new RawHttp(draining.address())) {
      Thread caller = new Thread(() -> {
        try {
          RawHttp.Response r = http.post(mucp("Slow.Slow", "application/json"), "{\"name\":\"x\"}");
          slow.reply.set(r.text());
        } catch (Exception e) {
          slow.reply.set(e.toString());
        }
      });
      caller.start();
      assertThat(slow.entered.await(10, TimeUnit.SECONDS)).isTrue();
      Thread stopper = new Thread(draining::stop);
      stopper.start();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!registry.getService("slow").isEmpty() && System.nanoTime() < end) {
        Thread.sleep(10);
      }
      assertThat(registry.getService("slow")).isEmpty();
      assertThat(stopper.isAlive()).isTrue();

      slow.release.countDown();
      caller.join(10_000);
      stopper.join(10_000);

      assertThat(slow.reply.get()).isEqualTo("{\"msg\":\"done x\"}\n");
      assertThat(stopper.isAlive()).isFalse();
      assertThat(slow.registeredWhenReleased).isFalse();
    }
    assertThat(transport.dial(draining.address(), Duration.ofSeconds(2))).failsWithin(Duration.ofSeconds(5));
  }
}
