package io.micro.plugins.registry.consul;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The test fake itself ({@link FakeConsul}, <b>not a real Consul</b>) behaves as Consul's API
 * documentation says, and is strict, so that the plugin's tests mean something.
 */
class FakeConsulTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private FakeConsul consul;

  @BeforeEach
  void start() {
    consul = FakeConsul.builder().reapInterval(Duration.ofMillis(100)).minimumDeregister(Duration.ofMillis(500)).start();
  }

  @AfterEach
  void stop() {
    consul.close();
  }

  private HttpResponse<String> call(String method, String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://" + consul.address() + path))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void unknownFieldsPathsMethodsAndParametersAreRejected() throws Exception {
    HttpResponse<String> r = call("PUT", "/v1/agent/service/register", "{\"Name\":\"a\",\"Bogus\":1}");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).isEqualTo("Request decode failed: json: unknown field \"Bogus\"");
    assertThat(call("PUT", "/v1/agent/service/register", "{\"ID\":\"x\"}").body()).isEqualTo("Missing service name");
    assertThat(call("PUT", "/v1/agent/service/register", "{\"Name\":\"a\",\"Check\":{\"HTTP\":\"http://x\",\"Interval\":\"1s\"}}")
        .statusCode()).isEqualTo(400);
    assertThat(call("PUT", "/v1/agent/service/register", "{\"Name\":\"a\",\"Meta\":{\"a.b\":\"c\"}}").body())
        .isEqualTo("Invalid Service Meta: Key contains invalid characters");
    assertThat(call("GET", "/v1/agent/service/register", null).statusCode()).isEqualTo(405);
    assertThat(call("GET", "/v1/health/nodes/a", null).statusCode()).isEqualTo(404);
    assertThat(call("GET", "/v1/catalog/services?bogus=1", null).statusCode()).isEqualTo(400);
    assertThat(call("GET", "/v1/health/service/a?filter=x", null).statusCode()).isEqualTo(400);
    // Go's decoder matches field names case-insensitively, so does the fake
    assertThat(call("PUT", "/v1/agent/service/register", "{\"name\":\"a\",\"port\":1}").statusCode()).isEqualTo(200);
    assertThat(call("PUT", "/v1/agent/service/deregister/nope", null).statusCode()).isEqualTo(404);
    assertThat(call("PUT", "/v1/agent/check/pass/service:nope", null).statusCode()).isEqualTo(404);
  }

  @Test
  void ttlCheckStartsCriticalPassesThenExpiresAndIsReaped() throws Exception {
    String reg = "{\"ID\":\"a-1\",\"Name\":\"a\",\"Port\":1,"
        + "\"Check\":{\"TTL\":\"300ms\",\"DeregisterCriticalServiceAfter\":\"400ms\"}}";
    assertThat(call("PUT", "/v1/agent/service/register", reg).statusCode()).isEqualTo(200);
    assertThat(consul.checkStatus("service:a-1")).contains("critical");
    assertThat(JSON.readTree(call("GET", "/v1/health/service/a?passing", null).body())).isEmpty();
    assertThat(JSON.readTree(call("GET", "/v1/health/service/a", null).body())).hasSize(1);

    assertThat(call("PUT", "/v1/agent/check/pass/service:a-1", null).statusCode()).isEqualTo(200);
    JsonNode passing = JSON.readTree(call("GET", "/v1/health/service/a?passing=true", null).body());
    assertThat(passing).hasSize(1);
    assertThat(passing.get(0).path("Checks")).extracting(c -> c.path("CheckID").asText())
        .containsExactly("serfHealth", "service:a-1");

    RegistryContractWait.until(() -> consul.checkStatus("service:a-1").equals(java.util.Optional.of("critical")));
    RegistryContractWait.until(() -> consul.serviceIds().equals(java.util.Set.of("consul")));
  }

  @Test
  void blockingQueryAnswersWhenTheIndexPassesTheOneAsked() throws Exception {
    HttpResponse<String> first = call("GET", "/v1/health/service/b", null);
    long index = Long.parseLong(first.headers().firstValue("X-Consul-Index").orElseThrow());
    CompletableFuture<HttpResponse<String>> blocked = http.sendAsync(
        HttpRequest.newBuilder(URI.create("http://" + consul.address() + "/v1/health/service/b?index=" + index + "&wait=30s")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(call("PUT", "/v1/agent/service/register", "{\"ID\":\"b-1\",\"Name\":\"b\"}").statusCode()).isEqualTo(200);

    HttpResponse<String> changed = blocked.get();
    assertThat(Long.parseLong(changed.headers().firstValue("X-Consul-Index").orElseThrow())).isGreaterThan(index);
    assertThat(JSON.readTree(changed.body()).get(0).path("Service").path("ID").asText()).isEqualTo("b-1");
  }

  @Test
  void restartKeepsOrLosesTheCatalog() throws Exception {
    call("PUT", "/v1/agent/service/register", "{\"ID\":\"c-1\",\"Name\":\"c\"}");
    consul.restart(true);
    assertThat(consul.serviceIds()).contains("c-1");
    consul.restart(false);
    assertThat(consul.serviceIds()).containsExactly("consul");
    assertThat(call("GET", "/v1/catalog/services", null).body()).isEqualTo("{\"consul\":[]}");
  }

  /** A bounded poll, as the contract kit does it. */
  static final class RegistryContractWait {
    static void until(java.util.function.BooleanSupplier condition) throws InterruptedException {
      long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!condition.getAsBoolean()) {
        if (System.nanoTime() > end) {
          throw new AssertionError("condition not met within 10 s");
        }
        Thread.sleep(50);
      }
    }
  }
}
