package io.micro.toolkit.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micro.broker.memory.MemoryBroker;
import io.micro.client.Client;
import io.micro.registry.Node;
import io.micro.registry.Service;
import io.micro.registry.memory.MemoryRegistry;
import io.micro.selector.Selector;
import io.micro.server.Server;
import io.micro.toolkit.http.Cors;
import io.micro.transport.http.HttpTransport;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every HTTP endpoint of the sidecar against a real greeter server on loopback: a {@link Server}
 * with the greeter handler, registered in a memory registry the sidecar shares; the sidecar's
 * client calls it over the HTTP transport.
 */
class SidecarTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static MemoryRegistry registry;
  static HttpTransport transport;
  static MemoryBroker broker;
  static Server greeter;
  static Selector selector;
  static Client client;
  static Sidecar sidecar;
  static HttpClient http;
  static String base;

  @BeforeAll
  static void start() {
    registry = MemoryRegistry.create();
    transport = HttpTransport.create();
    broker = MemoryBroker.create();
    greeter = Server.builder().name(Greeter.SERVICE).address("127.0.0.1:0").transport(transport)
        .registry(registry).build().handle(new Greeter.Say());
    greeter.start();
    selector = Selector.create(registry);
    client = Client.builder().selector(selector).transport(transport).retries(0)
        .requestTimeout(Duration.ofSeconds(10)).build();
    sidecar = Sidecar.builder().registry(registry).client(client).broker(broker)
        .address("127.0.0.1:0").maxBodyBytes(64 << 10).build().start();
    base = sidecar.url();
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stop() {
    sidecar.close();
    client.close();
    selector.close();
    greeter.close();
    broker.close();
    transport.close();
    registry.close();
  }

  static HttpResponse<String> send(String method, String path, String contentType, String body)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> rpc(String json) throws Exception {
    return send("POST", "/rpc", "application/json", json);
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }

  // ---- /rpc

  @Test
  void rpcWithJsonBodyCallsTheGreeter() throws Exception {
    HttpResponse<String> r = rpc(
        "{\"service\":\"go.micro.srv.greeter\",\"method\":\"Say.Hello\",\"request\":{\"name\":\"John\"}}");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(json(r).path("msg").asText()).isEqualTo("Hello John");
  }

  @Test
  void rpcWithFormBodyAndRequestAsJsonText() throws Exception {
    HttpResponse<String> r = send("POST", "/rpc", "application/x-www-form-urlencoded",
        "service=go.micro.srv.greeter&method=Say.Hello&request=%7B%22name%22%3A%22John%22%7D");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).path("msg").asText()).isEqualTo("Hello John");
  }

  @Test
  void rpcAcceptsEndpointAsMethodAndRequestAsString() throws Exception {
    HttpResponse<String> r = rpc("{\"service\":\"go.micro.srv.greeter\",\"endpoint\":\"Say.Hello\","
        + "\"request\":\"{\\\"name\\\":\\\"Ann\\\"}\"}");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).path("msg").asText()).isEqualTo("Hello Ann");
  }

  @Test
  void rpcWithAddressGoesStraightToThatNode() throws Exception {
    // the service name is unknown to the registry: only the address can reach the greeter
    HttpResponse<String> r = rpc("{\"service\":\"go.micro.srv.greeter\",\"method\":\"Say.Hello\","
        + "\"address\":\"" + greeter.address() + "\",\"request\":{\"name\":\"Direct\"}}");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).path("msg").asText()).isEqualTo("Hello Direct");
  }

  @Test
  void rpcPassesHeadersAsMetadata() throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/rpc"))
        .header("Content-Type", "application/json").header("X-User-Id", "john")
        .POST(HttpRequest.BodyPublishers.ofString(
            "{\"service\":\"go.micro.srv.greeter\",\"method\":\"Say.Whoami\",\"request\":{}}"))
        .build();

    HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).path("msg").asText()).isEqualTo("john");
  }

  @Test
  void rpcTimeoutHeaderBoundsTheCall() throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/rpc"))
        .header("Content-Type", "application/json").header("Timeout", "200ms")
        .POST(HttpRequest.BodyPublishers.ofString(
            "{\"service\":\"go.micro.srv.greeter\",\"method\":\"Say.Slow\",\"request\":{\"name\":\"x\"}}"))
        .build();

    HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).isEqualTo(408);
    assertThat(json(r).path("code").asInt()).isEqualTo(408);
  }

  @Test
  void rpcToUnknownServiceIs404() throws Exception {
    HttpResponse<String> r = rpc("{\"service\":\"go.micro.srv.nobody\",\"method\":\"Say.Hello\"}");

    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(json(r).path("id").asText()).isEqualTo("go.micro.rpc");
    assertThat(json(r).path("detail").asText()).contains("go.micro.srv.nobody");
  }

  @Test
  void rpcErrorOfTheServiceKeepsItsCode() throws Exception {
    HttpResponse<String> r = rpc(
        "{\"service\":\"go.micro.srv.greeter\",\"method\":\"Say.Fail\",\"request\":{\"name\":\"Bo\"}}");

    assertThat(r.statusCode()).isEqualTo(409);
    assertThat(json(r).path("id").asText()).isEqualTo(Greeter.SERVICE);
    assertThat(json(r).path("detail").asText()).isEqualTo("already greeted Bo");
  }

  @Test
  void rpcBadInputIs400NamingTheProblem() throws Exception {
    HttpResponse<String> noService = rpc("{\"method\":\"Say.Hello\"}");
    HttpResponse<String> noMethod = rpc("{\"service\":\"go.micro.srv.greeter\"}");
    HttpResponse<String> malformed = rpc("{\"service\":\"go.micro.srv.greeter\",");
    HttpResponse<String> badString = rpc(
        "{\"service\":\"go.micro.srv.greeter\",\"method\":\"Say.Hello\",\"request\":\"{name\"}");
    HttpResponse<String> array = rpc("[1,2]");
    HttpResponse<String> get = send("GET", "/rpc", null, null);

    assertThat(noService.statusCode()).isEqualTo(400);
    assertThat(json(noService).path("detail").asText()).contains("invalid service");
    assertThat(noMethod.statusCode()).isEqualTo(400);
    assertThat(json(noMethod).path("detail").asText()).contains("invalid method");
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(json(malformed).path("detail").asText()).contains("malformed request body").contains("line 1");
    assertThat(badString.statusCode()).isEqualTo(400);
    assertThat(json(badString).path("detail").asText()).startsWith("error decoding request string");
    assertThat(array.statusCode()).isEqualTo(400);
    assertThat(json(array).path("detail").asText()).contains("expected: an object");
    assertThat(get.statusCode()).isEqualTo(405);
  }

  // ---- /registry

  @Test
  void registryRegistersGetsListsAndDeregisters() throws Exception {
    // the 2016 shape: address and port apart
    String svc = "{\"name\":\"foo.bar\",\"version\":\"1.0\",\"nodes\":[{\"id\":\"foo.bar-1\","
        + "\"address\":\"127.0.0.1\",\"port\":9091,\"metadata\":{\"protocol\":\"mucp\"}}]}";

    HttpResponse<String> post = send("POST", "/registry?ttl=30s", "application/json", svc);
    HttpResponse<String> get = send("GET", "/registry?service=foo.bar", null, null);
    HttpResponse<String> list = send("GET", "/registry", null, null);

    assertThat(post.statusCode()).isEqualTo(200);
    assertThat(get.statusCode()).isEqualTo(200);
    JsonNode versions = json(get);
    assertThat(versions.isArray()).isTrue();
    assertThat(versions.get(0).path("name").asText()).isEqualTo("foo.bar");
    assertThat(versions.get(0).path("version").asText()).isEqualTo("1.0");
    assertThat(versions.get(0).path("nodes").get(0).path("address").asText()).isEqualTo("127.0.0.1:9091");
    assertThat(registry.getService("foo.bar").get(0).nodes())
        .containsExactly(new Node("foo.bar-1", "127.0.0.1:9091", Map.of("protocol", "mucp")));
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(json(list).findValuesAsText("name")).contains("foo.bar", Greeter.SERVICE);

    HttpResponse<String> delete = send("DELETE", "/registry", "application/json", svc);
    HttpResponse<String> gone = send("GET", "/registry?service=foo.bar", null, null);

    assertThat(delete.statusCode()).isEqualTo(200);
    assertThat(gone.statusCode()).isEqualTo(404);
    assertThat(json(gone).path("detail").asText()).isEqualTo("service foo.bar: not found");
  }

  @Test
  void registryShowsServicesRegisteredElsewhere() throws Exception {
    HttpResponse<String> r = send("GET", "/registry?service=" + Greeter.SERVICE, null, null);

    assertThat(r.statusCode()).isEqualTo(200);
    List<Service> versions = JSON.readerForListOf(Service.class).readValue(r.body());
    assertThat(versions.get(0).nodes()).extracting(Node::address).containsExactly(greeter.address());
    assertThat(versions.get(0).endpoints()).extracting(e -> e.name()).contains("Say.Hello");
  }

  @Test
  void registryBadInputIs400NamingTheProblem() throws Exception {
    HttpResponse<String> malformed = send("POST", "/registry", "application/json", "{\"name\":");
    HttpResponse<String> noName = send("POST", "/registry", "application/json", "{\"nodes\":[]}");
    HttpResponse<String> noPort = send("POST", "/registry", "application/json",
        "{\"name\":\"x\",\"nodes\":[{\"id\":\"x-1\",\"address\":\"127.0.0.1\"}]}");
    HttpResponse<String> badTtl = send("POST", "/registry?ttl=soon", "application/json",
        "{\"name\":\"x\",\"nodes\":[{\"id\":\"x-1\",\"address\":\"127.0.0.1:1\"}]}");
    HttpResponse<String> put = send("PUT", "/registry", "application/json", "{}");

    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(json(malformed).path("detail").asText()).contains("malformed service JSON");
    assertThat(noName.statusCode()).isEqualTo(400);
    assertThat(json(noName).path("detail").asText()).contains("\"name\"");
    assertThat(noPort.statusCode()).isEqualTo(400);
    assertThat(json(noPort).path("detail").asText()).contains("has no port");
    assertThat(badTtl.statusCode()).isEqualTo(400);
    assertThat(json(badTtl).path("detail").asText()).contains("ttl 'soon'");
    assertThat(put.statusCode()).isEqualTo(405);
    assertThat(registry.getService("x")).isEmpty();
  }

  // ---- limits, /health, CORS, garbage

  @Test
  void oversizeBodyIs413WithErrorJson() throws Exception {
    try (Socket s = new Socket("127.0.0.1", URI.create(base).getPort())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(("POST /rpc HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          + "Content-Length: 10000000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

      assertThat(answer).startsWith("HTTP/1.1 413");
      assertThat(answer).contains("\"code\":413");
    }
    assertThat(send("GET", "/health", null, null).statusCode()).isEqualTo(200);
  }

  @Test
  void healthWithoutAppIsOk() throws Exception {
    HttpResponse<String> r = send("GET", "/health", null, null);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).path("status").asText()).isEqualTo("ok");
  }

  @Test
  void garbageOnTheWireDoesNotHurtTheSidecar() throws Exception {
    for (String junk : List.of("\u0000\u0001\u0002garbage\r\n\r\n", "GET /" + "a".repeat(20_000)
        + " HTTP/1.1\r\n\r\n", "POST /rpc HTTP/1.1\r\nContent-Length: -5\r\n\r\n")) {
      try (Socket s = new Socket("127.0.0.1", URI.create(base).getPort())) {
        s.setSoTimeout(10_000);
        s.getOutputStream().write(junk.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        InputStream in = s.getInputStream();
        String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        assertThat(answer).matches("(?s)HTTP/1\\.[01] 4\\d\\d .*");
      }
    }
    assertThat(rpc("{\"service\":\"go.micro.srv.greeter\",\"method\":\"Say.Hello\","
        + "\"request\":{\"name\":\"after\"}}").body()).contains("Hello after");
  }

  @Test
  void corsEchoesAllowedOriginsOnly() throws Exception {
    try (Sidecar car = Sidecar.builder().registry(registry).client(client).address("127.0.0.1:0")
        .cors(Cors.parse("https://good.example")).build().start()) {
      HttpResponse<String> good = http.send(HttpRequest.newBuilder(URI.create(car.url() + "/health"))
          .header("Origin", "https://good.example").build(), HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create(car.url() + "/health"))
          .header("Origin", "https://evil.example").build(), HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> preflight = http.send(HttpRequest.newBuilder(URI.create(car.url() + "/rpc"))
          .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
          .header("Origin", "https://good.example").header("Access-Control-Request-Method", "POST")
          .build(), HttpResponse.BodyHandlers.ofString());

      assertThat(good.headers().firstValue("Access-Control-Allow-Origin")).contains("https://good.example");
      assertThat(good.headers().firstValue("Access-Control-Allow-Credentials")).contains("true");
      assertThat(bad.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
      assertThat(preflight.statusCode()).isEqualTo(200);
      assertThat(preflight.body()).isEmpty();
      assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods").orElse("")).contains("POST");
    }
  }
}
