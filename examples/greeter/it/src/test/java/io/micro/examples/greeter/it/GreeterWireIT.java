package io.micro.examples.greeter.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micro.examples.greeter.Request;
import io.micro.examples.greeter.Response;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The greeter server jar, on the wire, as a plain HTTP client sees it: mucp with JSON and
 * protobuf bodies, legacy JSON-RPC, and the errors for bad input. After each error the server
 * must still answer a good call.
 */
class GreeterWireIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> MUCP = Map.of(
      "Micro-Service", "go.micro.srv.greeter", "Micro-Endpoint", "Say.Hello");

  private static JavaProcess server;
  private static URI uri;
  private static HttpClient http;

  @BeforeAll
  static void startServer() throws Exception {
    int port = JavaProcess.freePort();
    server = JavaProcess.start("wire-server", "greeter.server.jar",
        "--server_address=127.0.0.1:" + port, "--registry=memory").awaitPort(port);
    uri = URI.create("http://127.0.0.1:" + port + "/");
    http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void mucpJsonCallGetsHelloJohn() throws Exception {
    HttpResponse<byte[]> rsp = post("application/json", MUCP, json("{\"name\":\"John\"}"));

    assertThat(rsp.statusCode()).isEqualTo(200);
    assertThat(rsp.headers().firstValue("Micro-Error")).isEmpty();
    assertThat(JSON.readTree(rsp.body()).path("msg").asText()).isEqualTo("Hello John");
  }

  @Test
  void mucpProtobufCallGetsHelloJohn() throws Exception {
    byte[] body = Request.newBuilder().setName("John").build().toByteArray();

    HttpResponse<byte[]> rsp = post("application/protobuf", MUCP, body);

    assertThat(rsp.statusCode()).isEqualTo(200);
    assertThat(rsp.headers().firstValue("Micro-Error")).isEmpty();
    assertThat(Response.parseFrom(rsp.body()).getMsg()).isEqualTo("Hello John");
  }

  @Test
  void legacyJsonRpcCallWithoutMicroHeadersGetsAnEnvelopedResult() throws Exception {
    String call = "{\"method\":\"Say.Hello\",\"params\":[{\"name\":\"John\"}],\"jsonrpc\":\"2.0\",\"id\":0}";

    HttpResponse<byte[]> rsp = post("application/json", Map.of(), json(call));

    assertThat(rsp.statusCode()).isEqualTo(200);
    JsonNode envelope = JSON.readTree(rsp.body());
    // go-micro answers the id as the string "0"; a number 0 is accepted as well.
    assertThat(envelope.path("id").asText()).as(envelope.toString()).isEqualTo("0");
    assertThat(envelope.path("result").path("msg").asText()).as(envelope.toString()).isEqualTo("Hello John");
    assertThat(envelope.path("error").isNull()).as(envelope.toString()).isTrue();
  }

  @Test
  void malformedJsonGetsBadRequestAndTheServerStillAnswers() throws Exception {
    HttpResponse<byte[]> rsp = post("application/json", MUCP, json("{\"name\":"));

    assertThat(microError(rsp).path("code").asInt()).as(describe(rsp)).isEqualTo(400);
    mucpJsonCallGetsHelloJohn();
  }

  @Test
  void unknownEndpointGetsNotFoundNamingItAndTheServerStillAnswers() throws Exception {
    Map<String, String> headers = Map.of("Micro-Service", "go.micro.srv.greeter", "Micro-Endpoint", "Say.Missing");

    HttpResponse<byte[]> rsp = post("application/json", headers, json("{\"name\":\"John\"}"));

    JsonNode error = microError(rsp);
    assertThat(error.path("code").asInt()).as(describe(rsp)).isEqualTo(404);
    assertThat(error.path("detail").asText()).as(describe(rsp)).contains("Missing");
    mucpJsonCallGetsHelloJohn();
  }

  @Test
  void bodyOverFourMebibytesGetsPayloadTooLargeAndTheServerStillAnswers() throws Exception {
    byte[] body = new byte[4 * 1024 * 1024 + 1];
    Arrays.fill(body, (byte) ' ');

    HttpResponse<byte[]> rsp = post("application/json", MUCP, body);

    assertThat(rsp.statusCode()).as(describe(rsp)).isEqualTo(413);
    assertThat(microError(rsp).path("code").asInt()).as(describe(rsp)).isEqualTo(413);
    mucpJsonCallGetsHelloJohn();
  }

  private static HttpResponse<byte[]> post(String contentType, Map<String, String> headers, byte[] body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri)
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(request::header);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** The {@code Micro-Error} header as JSON; fails when there is none or it is not JSON. */
  private static JsonNode microError(HttpResponse<byte[]> rsp) throws IOException {
    String header = rsp.headers().firstValue("Micro-Error").orElse(null);
    assertThat(header).as("Micro-Error header of " + describe(rsp)).isNotNull();
    return JSON.readTree(header);
  }

  private static String describe(HttpResponse<byte[]> rsp) {
    return rsp.statusCode() + " " + rsp.headers().map() + " "
        + new String(rsp.body(), 0, Math.min(rsp.body().length, 500), StandardCharsets.UTF_8);
  }

  private static byte[] json(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
