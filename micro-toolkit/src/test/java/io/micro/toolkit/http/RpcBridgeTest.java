package io.micro.toolkit.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micro.client.Client;
import io.micro.metadata.Metadata;
import io.micro.registry.memory.MemoryRegistry;
import io.micro.selector.Selector;
import io.micro.server.Server;
import io.micro.transport.http.HttpTransport;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shared {@code /rpc} bridge on a real {@link HttpServer} against a real greeter on loopback
 * (memory registry, HTTP transport). The gateway, sidecar and dashboard tests cover the cases they
 * share; this covers the options and the fields only some of them used to read.
 */
class RpcBridgeTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String SERVICE = "go.micro.srv.greeter";

  static MemoryRegistry registry;
  static HttpTransport transport;
  static Server greeter;
  static Selector selector;
  static Client client;
  static ExecutorService executor;
  static HttpServer server;
  static HttpClient http;

  /** {@code Request{string name = 1}}. */
  record Request(String name) {}

  /** {@code Response{string msg = 1}}. */
  record Response(String msg) {}

  /** The handler {@code Say}. */
  public static final class Say {
    /** {@code Say.Hello}. */
    public Response hello(Request request) {
      return new Response("Hello " + request.name());
    }

    /** {@code Say.Whoami}: the caller's {@code X-User-Id} and {@code X-Tenant} metadata. */
    public Response whoami(Metadata md, Request request) {
      return new Response(md.get("X-User-Id").orElse("?") + "@" + md.get("X-Tenant").orElse("?"));
    }

    /** {@code Say.Slow}: answers after a second. */
    public Response slow(Request request) throws InterruptedException {
      Thread.sleep(1000);
      return new Response("Slow " + request.name());
    }
  }

  @BeforeAll
  static void start() {
    registry = MemoryRegistry.create();
    transport = HttpTransport.create();
    greeter = Server.builder().name(SERVICE).address("127.0.0.1:0").transport(transport)
        .registry(registry).build().handle(new Say());
    greeter.start();
    selector = Selector.create(registry);
    client = Client.builder().selector(selector).transport(transport).retries(0)
        .requestTimeout(Duration.ofSeconds(10)).build();
    executor = Executors.newFixedThreadPool(4);
    server = HttpServer.builder().address("127.0.0.1:0").handlerTimeout(Duration.ofSeconds(20))
        .route("/rpc", RpcBridge.builder(client, executor).maxTimeout(Duration.ofSeconds(5)).build())
        .route("/capped", RpcBridge.builder(client, executor).maxTimeout(Duration.ofMillis(200)).build())
        .route("/busy", RpcBridge.builder(client, r -> {
          throw new RejectedExecutionException("full");
        }).errorId("go.micro.test").build())
        .build();
    server.start();
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stop() {
    server.close();
    executor.shutdownNow();
    client.close();
    selector.close();
    greeter.close();
    transport.close();
    registry.close();
  }

  static HttpResponse<String> post(String path, String contentType, String body, String... headers)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path))
        .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }

  @Test
  void formWithoutContentTypeCallsAndReportsTheDuration() throws Exception {
    HttpResponse<String> r = post("/rpc", null,
        "service=" + SERVICE + "&endpoint=Say.Hello&request=%7B%22name%22%3A%22Curl%22%7D");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).path("msg").asText()).isEqualTo("Hello Curl");
    assertThat(r.headers().firstValue("X-Micro-Call-Duration").orElseThrow()).matches("\\d+\\.\\d{3}");
  }

  @Test
  void metadataFieldJoinsTheHeadersAndWinsOverThem() throws Exception {
    HttpResponse<String> r = post("/rpc", "application/json",
        "{\"service\":\"" + SERVICE + "\",\"endpoint\":\"Say.Whoami\",\"metadata\":{\"X-Tenant\":\"acme\","
            + "\"x-user-id\":\"field\"}}", "X-User-Id", "header");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).path("msg").asText()).isEqualTo("field@acme");
  }

  @Test
  void timeoutFieldOrHeaderOrTheCapEndsASlowCall() throws Exception {
    String slow = "{\"service\":\"" + SERVICE + "\",\"endpoint\":\"Say.Slow\",\"request\":{\"name\":\"x\"}";

    HttpResponse<String> field = post("/rpc", "application/json", slow + ",\"timeout\":0.2}");
    HttpResponse<String> header = post("/rpc", "application/json", slow + "}", "Timeout", "200ms");
    HttpResponse<String> capped = post("/capped", "application/json", slow + ",\"timeout\":\"30s\"}");

    assertThat(field.statusCode()).isEqualTo(408);
    assertThat(header.statusCode()).isEqualTo(408);
    assertThat(capped.statusCode()).isEqualTo(408);
    assertThat(json(capped).path("code").asInt()).isEqualTo(408);
  }

  @Test
  void badInputIsNamed() throws Exception {
    HttpResponse<String> type = post("/rpc", "text/plain", "service=x&method=A.B");
    HttpResponse<String> address = post("/rpc", "application/json",
        "{\"service\":\"x\",\"method\":\"A.B\",\"address\":\"nowhere\"}");
    HttpResponse<String> timeout = post("/rpc", "application/json",
        "{\"service\":\"x\",\"method\":\"A.B\"}", "Timeout", "soon");
    HttpResponse<String> metadata = post("/rpc", "application/json",
        "{\"service\":\"x\",\"method\":\"A.B\",\"metadata\":[1]}");
    HttpResponse<String> notText = post("/rpc", "application/json", "{\"service\":7,\"method\":\"A.B\"}");

    assertThat(type.statusCode()).isEqualTo(415);
    assertThat(json(type).path("detail").asText()).contains("text/plain").contains("application/json");
    assertThat(address.statusCode()).isEqualTo(400);
    assertThat(json(address).path("detail").asText()).contains("'nowhere'").contains("host:port");
    assertThat(timeout.statusCode()).isEqualTo(400);
    assertThat(json(timeout).path("detail").asText()).contains("invalid timeout: soon");
    assertThat(metadata.statusCode()).isEqualTo(400);
    assertThat(json(metadata).path("detail").asText()).contains("invalid metadata");
    assertThat(notText.statusCode()).isEqualTo(400);
    assertThat(json(notText).path("detail").asText()).contains("\"service\" is 7");
    assertThat(json(notText).path("id").asText()).isEqualTo(RpcBridge.ERROR_ID);
  }

  @Test
  void unreachableNodeIs503AndUnknownServiceIs404() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    HttpResponse<String> refused = post("/rpc", "application/json", "{\"service\":\"" + SERVICE
        + "\",\"endpoint\":\"Say.Hello\",\"address\":\"127.0.0.1:" + closed + "\"}");
    HttpResponse<String> unknown = post("/rpc", "application/json",
        "{\"service\":\"go.micro.srv.nobody\",\"endpoint\":\"Say.Hello\"}");

    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(json(refused).path("detail").asText()).contains(SERVICE);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(json(unknown).path("detail").asText()).isEqualTo("service go.micro.srv.nobody: not found");
  }

  @Test
  void fullExecutorIs503WithTheConfiguredId() throws Exception {
    HttpResponse<String> r = post("/busy", "application/json",
        "{\"service\":\"" + SERVICE + "\",\"endpoint\":\"Say.Hello\"}");

    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(json(r).path("id").asText()).isEqualTo("go.micro.test");
  }
}
