package io.micro.toolkit.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micro.Service;
import io.micro.broker.Broker;
import io.micro.broker.memory.MemoryBroker;
import io.micro.client.Client;
import io.micro.errors.MicroException;
import io.micro.metadata.Metadata;
import io.micro.registry.Node;
import io.micro.registry.memory.MemoryRegistry;
import io.micro.selector.Selector;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The gateway end to end: real greeter services on loopback, found in a memory registry. */
class ApiGatewayIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  record Hello(String name) {}

  record Reply(String msg) {}

  /** The greeter of the examples, with a slow endpoint and the caller's metadata in the reply. */
  public static final class Say {
    public Reply hello(Metadata md, Hello hello) {
      if (hello.name() == null || hello.name().isBlank()) {
        throw MicroException.badRequest("go.micro.api.greeter", "Name cannot be blank");
      }
      return new Reply("Hello " + hello.name() + md.get("X-User-Id").map(u -> " (user " + u + ")").orElse(""));
    }

    public void count(Hello hello, io.micro.stream.StreamSender<Reply> out) {
      for (int i = 1; i <= 3; i++) {
        out.send(new Reply(i + " " + hello.name()));
      }
    }

    public void echo(io.micro.stream.BidiStream<Hello, Reply> s) {
      for (Hello h = s.receive(); h != null; h = s.receive()) {
        s.send(new Reply("echo " + h.name()));
      }
    }

    public Reply slow(Hello hello) throws InterruptedException {
      Thread.sleep(3000);
      return new Reply("late");
    }
  }

  public record Pair(String key, List<String> values) {}

  public record ApiRequest(String method, String path, Map<String, Pair> header, Map<String, Pair> get,
      Map<String, Pair> post, String body, String url) {}

  public record ApiResponse(int statusCode, Map<String, Pair> header, String body) {}

  /** An api-handler greeter (micro's examples/greeter/api): reads get["name"]. */
  public static final class ApiSay {
    public ApiResponse hello(ApiRequest req) {
      Pair name = req.get() == null ? null : req.get().get("name");
      if (name == null || name.values().isEmpty()) {
        throw MicroException.badRequest("go.micro.api.greeter", "Name cannot be blank");
      }
      String body = "{\"message\":\"Hello " + name.values().get(0) + "\",\"method\":\"" + req.method()
          + "\",\"path\":\"" + req.path() + "\",\"host\":\"" + req.header().get("Host").values().get(0) + "\"}";
      return new ApiResponse(201, Map.of("X-Api", new Pair("X-Api", List.of("yes"))), body);
    }
  }

  static MemoryRegistry registry;
  static MemoryBroker broker;
  static Service greeter;
  static Service apiGreeter;
  static com.sun.net.httpserver.HttpServer rest;

  @BeforeAll
  static void start() throws Exception {
    registry = MemoryRegistry.create();
    broker = MemoryBroker.create();
    greeter = Service.builder().name("go.micro.api.greeter").registry(registry).broker(broker)
        .address("127.0.0.1:0").environment(Map.of()).handler(new Say()).build();
    greeter.start();
    apiGreeter = Service.builder().name("com.example.api.greeter").registry(registry).broker(broker)
        .address("127.0.0.1:0").environment(Map.of()).handler("Say", new ApiSay()).build();
    apiGreeter.start();
    rest = com.sun.net.httpserver.HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    rest.createContext("/", ex -> {
      byte[] b = ("{\"msg\":\"rest " + ex.getRequestURI() + " via " + ex.getRequestHeaders().getFirst("X-Forwarded-For") + "\"}")
          .getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, b.length);
      try (OutputStream o = ex.getResponseBody()) {
        o.write(b);
      }
    });
    rest.start();
    registry.register(io.micro.registry.Service.of("go.micro.api.rest", "1")
        .withNodes(List.of(Node.of("rest-1", "127.0.0.1:" + rest.getAddress().getPort()))), Duration.ZERO);
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    registry.register(io.micro.registry.Service.of("go.micro.api.down", "1")
        .withNodes(List.of(Node.of("down-1", "127.0.0.1:" + closed))), Duration.ZERO);
  }

  @AfterAll
  static void stop() {
    greeter.close();
    apiGreeter.close();
    rest.stop(0);
    broker.close();
  }

  private static ApiGateway gateway(Consumer<ApiGateway.Builder> config) {
    ApiGateway.Builder b = ApiGateway.builder().address("127.0.0.1:0").client(Client.builder().retries(1))
        .selector(Selector.create(registry)).broker(() -> (Broker) broker).timeout(Duration.ofMillis(800))
        .maxBodySize(64 * 1024);
    config.accept(b);
    return b.build().start();
  }

  private static java.net.http.HttpResponse<String> send(ApiGateway g, String method, String path, String contentType,
      String body, String... headers) throws Exception {
    var b = java.net.http.HttpRequest.newBuilder(URI.create(g.url() + path))
        .method(method, body.isEmpty() ? BodyPublishers.noBody() : BodyPublishers.ofString(body));
    if (!contentType.isEmpty()) {
      b.header("Content-Type", contentType);
    }
    if (headers.length > 0) {
      b.headers(headers);
    }
    return HTTP.send(b.build(), BodyHandlers.ofString());
  }

  @Test
  void rpcHandlerCallsTheResolvedEndpointWithJsonFormOrQuery() throws Exception {
    try (ApiGateway g = gateway(b -> {})) {
      var json = send(g, "POST", "/greeter/say/hello", "application/json", "{\"name\":\"John\"}", "X-User-Id", "42");
      assertThat(json.statusCode()).isEqualTo(200);
      assertThat(json.headers().firstValue("Content-Type")).contains("application/json");
      assertThat(JSON.readTree(json.body()).get("msg").asText()).isEqualTo("Hello John (user 42)");

      var query = send(g, "GET", "/greeter/say/hello?name=Ann", "", "");
      assertThat(JSON.readTree(query.body()).get("msg").asText()).isEqualTo("Hello Ann");

      var form = send(g, "POST", "/greeter/say/hello", "application/x-www-form-urlencoded", "name=Bob");
      assertThat(JSON.readTree(form.body()).get("msg").asText()).isEqualTo("Hello Bob");

      var rpc = send(g, "POST", "/greeter/say/hello", "application/json-rpc",
          "{\"method\":\"Say.Hello\",\"params\":[{\"name\":\"Eve\"}],\"id\":1}");
      assertThat(JSON.readTree(rpc.body()).get("msg").asText()).isEqualTo("Hello Eve");

      var root = send(g, "GET", "/", "", "");
      assertThat(root.body()).startsWith("{\"version\":");
    }
  }

  @Test
  void errorsKeepTheServicesCodeAndJson() throws Exception {
    try (ApiGateway g = gateway(b -> {})) {
      // the first call selects through the client, the next ones take the event-loop fast path
      for (int i = 0; i < 3; i++) {
        var r = send(g, "POST", "/greeter/say/hello", "application/json", "{\"name\":\"\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode e = JSON.readTree(r.body());
        assertThat(e.get("id").asText()).isEqualTo("go.micro.api.greeter");
        assertThat(e.get("detail").asText()).isEqualTo("Name cannot be blank");
        assertThat(e.get("status").asText()).isEqualTo("Bad Request");
      }
    }
  }

  @Test
  void fastPathCarriesMetadataAndTimesOut() throws Exception {
    try (ApiGateway g = gateway(b -> {})) {
      for (int i = 0; i < 3; i++) {
        var r = send(g, "POST", "/greeter/say/hello", "application/json", "{\"name\":\"N" + i + "\"}", "X-User-Id", "7");
        assertThat(JSON.readTree(r.body()).get("msg").asText()).isEqualTo("Hello N" + i + " (user 7)");
      }
      var slow = send(g, "POST", "/greeter/say/slow", "application/json", "{\"name\":\"x\"}");
      assertThat(slow.statusCode()).isEqualTo(504);
      assertThat(slow.body()).contains("did not answer within 800 ms");
    }
  }

  @Test
  void badInputAndFaultsAnswerAtOnceWithTheRightStatus() throws Exception {
    try (ApiGateway g = gateway(b -> {})) {
      var unknown = send(g, "GET", "/nothing/here", "", "");
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(unknown.body()).contains("go.micro.api.nothing").contains("/nothing/here");

      var escape = send(g, "GET", "/foo.bar/x/y", "", "");
      assertThat(escape.statusCode()).isEqualTo(404);
      assertThat(escape.body()).contains("'foo.bar' is not a plain word");

      assertThat(raw(g, "GET /..%2fgo.micro.srv.x/y HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 400");

      var malformed = send(g, "POST", "/greeter/say/hello", "application/json", "{\"name\":");
      assertThat(malformed.statusCode()).isEqualTo(400);
      assertThat(malformed.body()).contains("malformed JSON body");

      var big = send(g, "POST", "/greeter/say/hello", "application/json", "{\"name\":\"" + "x".repeat(70_000) + "\"}");
      assertThat(big.statusCode()).isEqualTo(413);

      var down = send(g, "POST", "/down/say/hello", "application/json", "{}");
      assertThat(down.statusCode()).isEqualTo(503);
      assertThat(down.body()).contains("go.micro.api.down");

      var slow = send(g, "POST", "/greeter/say/slow", "application/json", "{\"name\":\"x\"}");
      assertThat(slow.statusCode()).isEqualTo(504);
      assertThat(slow.body()).contains("\"code\":504");
    }
  }

  @Test
  void apiHandlerSendsApiRequestAndWritesApiResponse() throws Exception {
    try (ApiGateway g = gateway(b -> b.handler("api").namespace("com.example.api"))) {
      var r = send(g, "GET", "/greeter/say/hello?name=John", "", "");
      assertThat(r.statusCode()).isEqualTo(201);
      assertThat(r.headers().firstValue("X-Api")).contains("yes");
      assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
      JsonNode body = JSON.readTree(r.body());
      assertThat(body.get("message").asText()).isEqualTo("Hello John");
      assertThat(body.get("method").asText()).isEqualTo("GET");
      assertThat(body.get("path").asText()).isEqualTo("/greeter/say/hello");
      assertThat(body.get("host").asText()).isEqualTo(g.hostPort());

      var missing = send(g, "GET", "/greeter/say/hello", "", "");
      assertThat(missing.statusCode()).isEqualTo(400);
      assertThat(missing.body()).contains("Name cannot be blank");
    }
  }

  @Test
  void httpHandlerProxiesToTheServicesNode() throws Exception {
    try (ApiGateway g = gateway(b -> b.handler("http"))) {
      var r = send(g, "GET", "/rest/hello?x=1", "", "");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(r.body()).get("msg").asText()).isEqualTo("rest /rest/hello?x=1 via 127.0.0.1");
      assertThat(send(g, "GET", "/nope/x", "", "").statusCode()).isEqualTo(404);
      assertThat(send(g, "GET", "/down/x", "", "").statusCode()).isEqualTo(503);
    }
  }

  @Test
  void eventHandlerPublishesApiEvents() throws Exception {
    LinkedBlockingQueue<JsonNode> got = new LinkedBlockingQueue<>();
    var sub = broker.subscribe("go.micro.api.user", d -> got.add(JSON.readTree(d.event().body())));
    try (ApiGateway g = gateway(b -> b.handler("event"))) {
      var r = send(g, "POST", "/user/login", "application/json", "{\"who\":\"john\"}");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEmpty();
      JsonNode ev = got.poll(5, TimeUnit.SECONDS);
      assertThat(ev).isNotNull();
      assertThat(ev.get("name").asText()).isEqualTo("login");
      assertThat(ev.get("id").asText()).startsWith("go.micro.api.user-login-");
      assertThat(ev.get("data").asText()).isEqualTo("{\"who\":\"john\"}");
      assertThat(ev.get("header").get("Content-Type").get("values").get(0).asText()).isEqualTo("application/json");
      assertThat(ev.get("timestamp").asLong()).isPositive();
    } finally {
      sub.unsubscribe();
    }
  }

  @Test
  void rpcEndpointIsOffByDefaultAndCallsAnyServiceWhenEnabled() throws Exception {
    try (ApiGateway off = gateway(b -> {})) {
      // without --enable_rpc, /rpc is just a path: service go.micro.api.rpc, which does not exist
      assertThat(send(off, "POST", "/rpc", "application/json", "{}").statusCode()).isEqualTo(404);
    }
    try (ApiGateway g = gateway(b -> b.enableRpc(true))) {
      var json = send(g, "POST", "/rpc", "application/json",
          "{\"service\":\"go.micro.api.greeter\",\"method\":\"Say.Hello\",\"request\":{\"name\":\"John\"}}");
      assertThat(JSON.readTree(json.body()).get("msg").asText()).isEqualTo("Hello John");
      var form = send(g, "POST", "/rpc", "application/x-www-form-urlencoded",
          "service=go.micro.api.greeter&endpoint=Say.Hello&request=%7B%22name%22%3A%22Ann%22%7D");
      assertThat(JSON.readTree(form.body()).get("msg").asText()).isEqualTo("Hello Ann");
      var noService = send(g, "POST", "/rpc", "application/json", "{\"method\":\"Say.Hello\"}");
      assertThat(noService.statusCode()).isEqualTo(400);
      assertThat(noService.body()).contains("invalid service").contains("go.micro.rpc");
      var noMethod = send(g, "POST", "/rpc", "application/json", "{\"service\":\"x\"}");
      assertThat(noMethod.body()).contains("invalid method");
      var badRequest = send(g, "POST", "/rpc", "application/json", "{\"service\":\"x\",\"method\":\"A.B\",\"request\":\"{oops\"}");
      assertThat(badRequest.statusCode()).isEqualTo(400);
      assertThat(badRequest.body()).contains("error decoding request string");
      assertThat(send(g, "GET", "/rpc", "", "").statusCode()).isEqualTo(405);
    }
  }

  @Test
  void statsCountResponsesByStatusClass() throws Exception {
    try (ApiGateway g = gateway(b -> b.enableStats(true))) {
      send(g, "GET", "/greeter/say/hello?name=A", "", "");
      send(g, "GET", "/nothing/here", "", "");
      var json = send(g, "GET", "/stats", "application/json", "");
      JsonNode s = JSON.readTree(json.body());
      long ok = 0;
      long notFound = 0;
      for (JsonNode c : s.get("counters")) {
        ok += c.get("status_codes").get("20x").asLong();
        notFound += c.get("status_codes").get("40x").asLong();
      }
      assertThat(ok).isGreaterThanOrEqualTo(1);
      assertThat(notFound).isGreaterThanOrEqualTo(1);
      assertThat(s.get("memory").asText()).endsWith("mb");
      var html = send(g, "GET", "/stats", "", "");
      assertThat(html.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
      assertThat(html.body()).contains("Request Load");
    }
  }

  @Test
  void webSocketsBridgeServerAndBidirectionalStreams() throws Exception {
    try (ApiGateway g = gateway(b -> b.timeout(Duration.ofSeconds(10)))) {
      LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>();
      java.util.concurrent.CompletableFuture<Integer> closed = new java.util.concurrent.CompletableFuture<>();
      java.net.http.WebSocket.Listener listener = new java.net.http.WebSocket.Listener() {
        @Override
        public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket w, CharSequence data, boolean last) {
          got.add(data.toString());
          w.request(1);
          return null;
        }

        @Override
        public java.util.concurrent.CompletionStage<?> onClose(java.net.http.WebSocket w, int status, String reason) {
          closed.complete(status);
          return null;
        }
      };
      HTTP.newWebSocketBuilder().buildAsync(URI.create("ws://" + g.hostPort() + "/greeter/say/count?name=John"), listener)
          .get(5, TimeUnit.SECONDS);
      for (int i = 1; i <= 3; i++) {
        assertThat(JSON.readTree(got.poll(5, TimeUnit.SECONDS)).get("msg").asText()).isEqualTo(i + " John");
      }
      assertThat(closed.get(5, TimeUnit.SECONDS)).isEqualTo(1000);

      LinkedBlockingQueue<String> echoes = new LinkedBlockingQueue<>();
      java.net.http.WebSocket ws = HTTP.newWebSocketBuilder().buildAsync(URI.create("ws://" + g.hostPort() + "/greeter/say/echo"),
          new java.net.http.WebSocket.Listener() {
            @Override
            public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket w, CharSequence data, boolean last) {
              echoes.add(data.toString());
              w.request(1);
              return null;
            }
          }).get(5, TimeUnit.SECONDS);
      ws.sendText("{\"name\":\"a\"}", true).get(5, TimeUnit.SECONDS);
      assertThat(JSON.readTree(echoes.poll(5, TimeUnit.SECONDS)).get("msg").asText()).isEqualTo("echo a");
      ws.sendText("{\"name\":\"b\"}", true).get(5, TimeUnit.SECONDS);
      assertThat(JSON.readTree(echoes.poll(5, TimeUnit.SECONDS)).get("msg").asText()).isEqualTo("echo b");
      ws.sendClose(1000, "").get(5, TimeUnit.SECONDS);
    }
  }

  private static String raw(ApiGateway g, String request) throws Exception {
    String[] hp = g.hostPort().split(":");
    try (Socket s = new Socket(hp[0], Integer.parseInt(hp[1]))) {
      s.setSoTimeout(5000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      byte[] buf = new byte[4096];
      int n = s.getInputStream().read(buf);
      return n < 0 ? "" : new String(buf, 0, n, StandardCharsets.ISO_8859_1);
    }
  }
}
