package io.micro.plugins.registry.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micro.errors.MicroException;
import io.micro.registry.Endpoint;
import io.micro.registry.Node;
import io.micro.registry.Registry;
import io.micro.registry.Service;
import io.micro.registry.Value;
import io.micro.registry.Watcher;
import io.micro.registry.spi.RegistryProvider;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the plugin sends and reads, byte for byte where it matters, against {@link FakeConsul} — <b>a
 * fake of the Consul agent HTTP API, not Consul</b>, which rejects anything Consul would not accept
 * (and a little more).
 */
class ConsulRegistryTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Tags of a node registered by a real go-micro service (published capture of a Consul catalog):
   * node metadata, two endpoints and the version "latest", all encoded by Go.
   */
  private static final List<String> GO_TAGS = List.of(
      "t-789caa562a294acc2b2ec82f2a51b252ca28292950aa05040000ffff4f930768",
      "t-789caa564a2acacf4e2d52b252ca28292950aa05040000ffff364d0600",
      "t-789caa562a4e2d2a4b2d52b252ca2d4d2e50aa05040000ffff37200607",
      "t-789caa562a4a4dcf2c2e29aa54b2524acecf2b2ecd51aa05040000ffff560f07c8",
      "t-789caa562a28ca2fc94fcecf51b252ca2d4d2e50aa05040000ffff46a906e2",
      "e-789c9490c1cac2301084df65cfe53ffd78c8432888371159e928856453b31b4125ef2e85125bb0a0e7ef9b619827"
          + "090790a35d8cfe6f23be13ac733821514309d70c3572d59a0adb913664f77e19ded86728b97d2db970c0b16bdfc1"
          + "dc89adfe27ae64ef4b53036a9cec7b1df243f723ca7ccc47ff508637b48fa258bc63c40b7f543a1f4201c62d1b0f"
          + "b56a091cc8d199bd824a79050000ffff207b8e6d",
      "e-789c7ccebdaac24010c5f1773975b8d5c5625fc04610d44e44067294c0ee24666605917d770984f8516cff9b33ff"
          + "2754121170e8fbf8b71da86b49dc74cabd8ba3c1c85ba639c2227fd16e160dfc31d4c15d62a6211c97b1ab249ebb"
          + "f67d9c3bf5d5ff87d51c633995a9c4865e8dd59499545a16f1f5a041a24b2b2ed3bcf9484908b84834a2945700000"
          + "0ffff7f25677d",
      TagsTest.GO_VERSION_LATEST);

  private FakeConsul consul;
  private final List<Registry> opened = new ArrayList<>();

  @BeforeEach
  void start() {
    consul = FakeConsul.start();
  }

  @AfterEach
  void stop() {
    opened.forEach(Registry::close);
    consul.close();
  }

  private ConsulRegistry open() {
    ConsulRegistry r = ConsulRegistry.builder().addresses(consul.address()).watchWait(Duration.ofSeconds(5)).build();
    opened.add(r);
    return r;
  }

  private static Service greeter(String nodeId, Map<String, String> metadata) {
    Endpoint hello = new Endpoint("Say.Hello",
        new Value("Request", "Request", List.of(Value.of("name", "string"))),
        new Value("Response", "Response", List.of(Value.of("msg", "string"))), Map.of());
    return new Service("go.micro.srv.greeter", "1.0.0", Map.of(), List.of(hello),
        List.of(new Node(nodeId, "10.0.0.7:9001", metadata)));
  }

  @Test
  void registrationIsTheJsonGoMicroPutsThenTheCheckIsPassed() throws Exception {
    ConsulRegistry registry = open();
    consul.clearRequests();
    registry.register(greeter("greeter-1", Map.of("protocol", "mucp", "transport", "http", "bad.key", "x")),
        Duration.ofSeconds(30));

    List<FakeConsul.Recorded> sent = consul.requests();
    assertThat(sent).extracting(FakeConsul.Recorded::method, FakeConsul.Recorded::uri).containsExactly(
        org.assertj.core.groups.Tuple.tuple("PUT", "/v1/agent/service/register"),
        org.assertj.core.groups.Tuple.tuple("PUT", "/v1/agent/check/pass/service:greeter-1"));
    JsonNode body = JSON.readTree(sent.get(0).body());
    List<String> fields = new ArrayList<>();
    body.fieldNames().forEachRemaining(fields::add);
    assertThat(fields).containsExactly("ID", "Name", "Tags", "Port", "Address", "Meta", "Check");
    assertThat(body.get("ID").asText()).isEqualTo("greeter-1");
    assertThat(body.get("Name").asText()).isEqualTo("go.micro.srv.greeter");
    assertThat(body.get("Port").asInt()).isEqualTo(9001);
    assertThat(body.get("Address").asText()).isEqualTo("10.0.0.7");
    // Consul rejects meta keys with dots; go-micro would fail here, we keep such keys in the tags only
    assertThat(body.get("Meta").toString()).isEqualTo("{\"protocol\":\"mucp\",\"transport\":\"http\"}");
    assertThat(body.get("Check").toString())
        .isEqualTo("{\"TTL\":\"30s\",\"DeregisterCriticalServiceAfter\":\"1m5s\"}");

    List<String> tags = new ArrayList<>();
    body.get("Tags").forEach(t -> tags.add(t.asText()));
    assertThat(tags).hasSize(5);
    assertThat(tags.subList(0, 3)).extracting(TagsTest::inflate).containsExactly(
        "{\"bad.key\":\"x\"}", "{\"protocol\":\"mucp\"}", "{\"transport\":\"http\"}");
    assertThat(TagsTest.inflate(tags.get(3))).isEqualTo(
        "{\"request\":{\"name\":\"Request\",\"type\":\"Request\",\"values\":[{\"name\":\"name\",\"type\":\"string\",\"values\":null}]},"
            + "\"response\":{\"name\":\"Response\",\"type\":\"Response\",\"values\":[{\"name\":\"msg\",\"type\":\"string\",\"values\":null}]},"
            + "\"metadata\":{},\"name\":\"Say.Hello\"}");
    assertThat(tags.get(4)).startsWith("v-");
    assertThat(TagsTest.inflate(tags.get(4))).isEqualTo("1.0.0");

    // the node reads back as it was registered, every metadata entry included
    Service found = registry.getService("go.micro.srv.greeter").get(0);
    assertThat(found.version()).isEqualTo("1.0.0");
    assertThat(found.endpoints()).isEqualTo(greeter("x", Map.of()).endpoints());
    assertThat(found.nodes()).containsExactly(new Node("greeter-1", "10.0.0.7:9001",
        Map.of("protocol", "mucp", "transport", "http", "bad.key", "x")));
  }

  @Test
  void unchangedReRegistrationOnlyPassesTheCheck() {
    ConsulRegistry registry = open();
    Service svc = greeter("greeter-1", Map.of("protocol", "mucp"));
    registry.register(svc, Duration.ofMinutes(2));
    assertThat(consul.requests().stream().filter(r -> r.uri().equals("/v1/agent/service/register")).findFirst()
        .orElseThrow().body()).contains("\"TTL\":\"2m0s\",\"DeregisterCriticalServiceAfter\":\"2m5s\"");
    consul.clearRequests();

    registry.register(svc, Duration.ofMinutes(2));
    assertThat(consul.requests()).extracting(FakeConsul.Recorded::uri)
        .containsExactly("/v1/agent/check/pass/service:greeter-1");

    consul.clearRequests();
    registry.register(greeter("greeter-1", Map.of("protocol", "grpc")), Duration.ofMinutes(2));
    assertThat(consul.requests()).extracting(FakeConsul.Recorded::uri)
        .containsExactly("/v1/agent/service/register", "/v1/agent/check/pass/service:greeter-1");
  }

  @Test
  void agentThatForgotTheServiceGetsTheFullRegistrationAgain() {
    ConsulRegistry registry = open();
    Service svc = greeter("greeter-1", Map.of());
    registry.register(svc, Duration.ofMinutes(1));
    consul.restart(false);
    consul.clearRequests();

    // the first call may meet the connection the restart closed; a server retries on its interval
    try {
      registry.register(svc, Duration.ofMinutes(1));
    } catch (MicroException firstAfterRestart) {
      registry.register(svc, Duration.ofMinutes(1));
    }
    assertThat(consul.requests()).extracting(FakeConsul.Recorded::uri).endsWith(
        "/v1/agent/check/pass/service:greeter-1", "/v1/agent/service/register",
        "/v1/agent/check/pass/service:greeter-1");
    assertThat(consul.checkStatus("service:greeter-1")).contains("passing");
  }

  @Test
  void registrationMadeByGoIsRead() throws Exception {
    // what go-micro's Consul API client PUTs (no Address: Consul falls back to the node's address)
    String goJson = "{\"ID\":\"yutest-6990e32b\",\"Name\":\"yutest\",\"Tags\":" + JSON.writeValueAsString(GO_TAGS)
        + ",\"Port\":28596,\"Meta\":{\"protocol\":\"mucp\"},"
        + "\"Check\":{\"TTL\":\"1m0s\",\"DeregisterCriticalServiceAfter\":\"1m5s\"},\"Checks\":null}";
    assertThat(put(consul, "/v1/agent/service/register", goJson)).isEqualTo(200);
    assertThat(put(consul, "/v1/agent/check/pass/service:yutest-6990e32b", null)).isEqualTo(200);

    List<Service> found = open().getService("yutest");
    assertThat(found).hasSize(1);
    Service s = found.get(0);
    assertThat(s.version()).isEqualTo("latest");
    assertThat(s.nodes()).containsExactly(new Node("yutest-6990e32b", "127.0.0.1:28596", Map.of(
        "transport", "http", "broker", "http", "server", "mucp", "registry", "consul", "protocol", "mucp")));
    assertThat(s.endpoints()).extracting(Endpoint::name)
        .containsExactly("Tool.OnlineNumber", "Tool.OpenGameLineStat");
    Endpoint online = s.endpoints().get(0);
    assertThat(online.request().name()).isEqualTo("OnlineNumberRequest");
    assertThat(online.request().values()).extracting(Value::name)
        .containsExactly("game_id", "start", "end", "zone_id");
    assertThat(online.metadata()).isEqualTo(Map.of("stream", "false"));
  }

  @Test
  void malformedTagsAreSkippedAndTheNodeIsStillFound() {
    String json = "{\"ID\":\"odd-1\",\"Name\":\"odd\",\"Address\":\"10.1.1.1\",\"Port\":80,"
        + "\"Tags\":[\"primary\",\"e-nothex\",\"t={broken\",\"" + TagsTest.GO_VERSION_1_0_0 + "\"]}";
    assertThat(put(consul, "/v1/agent/service/register", json)).isEqualTo(200);

    ConsulRegistry registry = open();
    for (int i = 0; i < 2; i++) { // warned about once, skipped every time
      List<Service> found = registry.getService("odd");
      assertThat(found).extracting(Service::version).containsExactly("1.0.0");
      assertThat(found.get(0).endpoints()).isEmpty();
      assertThat(found.get(0).nodes()).containsExactly(new Node("odd-1", "10.1.1.1:80", Map.of()));
    }
  }

  @Test
  void criticalNodesAreLeftOutAndTheWatcherSaysSo() {
    ConsulRegistry registry = open();
    try (Watcher watcher = registry.watch("go.micro.srv.greeter")) {
      registry.register(greeter("greeter-1", Map.of()), Duration.ofSeconds(1));
      Watcher.Result created = next(watcher);
      assertThat(created.action()).isEqualTo("create");
      // no renewal: the TTL check turns critical and the version has no node left
      Watcher.Result deleted = next(watcher);
      assertThat(deleted.action()).isEqualTo("delete");
      assertThat(deleted.service().nodes()).extracting(Node::id).containsExactly("greeter-1");
      assertThat(consul.checkStatus("service:greeter-1")).contains("critical");
      assertThat(registry.getService("go.micro.srv.greeter")).isEmpty();
    }
  }

  @Test
  void watchOfEveryServiceSeesNewServicesAndTheirDeparture() {
    ConsulRegistry registry = open();
    try (Watcher watcher = registry.watch("")) {
      Service svc = greeter("greeter-1", Map.of());
      registry.register(svc, Duration.ofMinutes(1));
      Watcher.Result created = next(watcher);
      assertThat(created.action()).isEqualTo("create");
      assertThat(created.service().name()).isEqualTo("go.micro.srv.greeter");
      assertThat(created.service().endpoints()).extracting(Endpoint::name).containsExactly("Say.Hello");
      registry.register(greeter("greeter-2", Map.of()), Duration.ofMinutes(1));
      Watcher.Result updated = next(watcher);
      assertThat(updated.action()).isEqualTo("update");
      assertThat(updated.service().nodes()).extracting(Node::id).containsExactly("greeter-1", "greeter-2");
      registry.deregister(greeter("greeter-1", Map.of()));
      registry.deregister(greeter("greeter-2", Map.of()));
      Watcher.Result last = next(watcher);
      while (!last.action().equals("delete")) {
        last = next(watcher);
      }
      assertThat(last.service().name()).isEqualTo("go.micro.srv.greeter");
    }
  }

  @Test
  void deregisteringOneOfTwoNodesIsADeleteCarryingOnlyThatNode() {
    ConsulRegistry registry = open();
    try (Watcher watcher = registry.watch("go.micro.srv.greeter")) {
      registry.register(greeter("greeter-1", Map.of()), Duration.ofMinutes(1));
      assertThat(next(watcher).action()).isEqualTo("create");
      registry.register(greeter("greeter-2", Map.of()), Duration.ofMinutes(1));
      assertThat(next(watcher).action()).isEqualTo("update");

      registry.deregister(greeter("greeter-1", Map.of()));
      Watcher.Result gone = next(watcher);
      assertThat(gone.action()).isEqualTo("delete");
      assertThat(gone.service().nodes()).extracting(Node::id).containsExactly("greeter-1");
      assertThat(gone.service().endpoints()).extracting(Endpoint::name).containsExactly("Say.Hello");
      assertThat(registry.getService("go.micro.srv.greeter").get(0).nodes())
          .extracting(Node::id).containsExactly("greeter-2");
    }
  }

  @Test
  void deregisteringANodeConsulDoesNotKnowIsIgnored() {
    open().deregister(greeter("never-registered", Map.of()));
    assertThat(consul.requests()).extracting(FakeConsul.Recorded::uri)
        .contains("/v1/agent/service/deregister/never-registered");
  }

  @Test
  void listServicesNamesEveryServiceIncludingConsulItself() {
    ConsulRegistry registry = open();
    registry.register(greeter("greeter-1", Map.of()), Duration.ZERO);
    assertThat(registry.listServices()).extracting(Service::name)
        .containsExactly("consul", "go.micro.srv.greeter");
    // TTL 0: no check, as in go-micro
    assertThat(consul.requests().stream().filter(r -> r.uri().equals("/v1/agent/service/register"))
        .findFirst().orElseThrow().body()).doesNotContain("Check");
  }

  @Test
  void providerIsFoundByNameAndSendsTheConsulToken() {
    consul.close();
    consul = FakeConsul.builder().requireToken("s3cret").start();
    Optional<RegistryProvider> provider = ServiceLoader.load(RegistryProvider.class).stream()
        .map(ServiceLoader.Provider::get).filter(p -> p.name().equals("consul")).findFirst();
    assertThat(provider).isPresent();
    RegistryProvider.Config config = new RegistryProvider.Config(List.of(consul.address()), Duration.ZERO);

    try (Registry registry = ConsulRegistryProvider.builder(config, Map.of("CONSUL_HTTP_TOKEN", "s3cret")).build()) {
      assertThat(registry.name()).isEqualTo("consul");
      registry.register(greeter("greeter-1", Map.of()), Duration.ofMinutes(1));
      assertThat(registry.getService("go.micro.srv.greeter")).hasSize(1);
    }
    assertThat(consul.requests()).filteredOn(r -> r.uri().startsWith("/v1/agent/"))
        .extracting(FakeConsul.Recorded::token).containsOnly("s3cret");

    try (Registry anonymous = provider.get().create(config)) {
      assertThatThrownBy(() -> anonymous.register(greeter("greeter-2", Map.of()), Duration.ofMinutes(1)))
          .isInstanceOf(MicroException.class)
          .hasMessageContaining(consul.address()).hasMessageContaining("403");
    }
  }

  @Test
  void providerFallsBackToConsulHttpAddr() {
    RegistryProvider.Config config = new RegistryProvider.Config(List.of(), Duration.ZERO);
    try (Registry registry = ConsulRegistryProvider.builder(config,
        Map.of("CONSUL_HTTP_ADDR", "http://" + consul.address())).build()) {
      assertThat(registry.listServices()).extracting(Service::name).contains("consul");
    }
  }

  @Test
  void unreachableAgentFailsAtStartNamingTheAddress() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String dead = "127.0.0.1:" + port;
    assertThatThrownBy(() -> ConsulRegistry.builder().addresses(dead).build())
        .isInstanceOf(MicroException.class)
        .hasMessageContaining("consul agent unreachable at http://" + dead);
  }

  @Test
  void requestsMoveOnToTheNextAgentWhenOneIsDown() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    try (ConsulRegistry registry = ConsulRegistry.builder()
        .addresses("127.0.0.1:" + port, consul.address()).build()) {
      registry.register(greeter("greeter-1", Map.of()), Duration.ofMinutes(1));
      assertThat(registry.getService("go.micro.srv.greeter")).hasSize(1);
    }
  }

  @Test
  void builderRejectsNonsense() {
    assertThatThrownBy(() -> ConsulRegistry.builder().addresses(List.of()))
        .hasMessageContaining("expected: at least one");
    assertThatThrownBy(() -> ConsulRegistry.builder().watchWait(Duration.ofMinutes(11)))
        .hasMessageContaining("watchWait: PT11M (expected: <= 10m)");
    assertThatThrownBy(() -> ConsulRegistry.builder().timeout(Duration.ZERO))
        .hasMessageContaining("timeout: PT0S (expected: > 0)");
  }

  private static Watcher.Result next(Watcher watcher) {
    Optional<Watcher.Result> r = watcher.next(Duration.ofSeconds(10));
    assertThat(r).as("a watch event within 10 s").isPresent();
    return r.get();
  }

  static int put(FakeConsul consul, String path, String json) {
    try {
      HttpResponse<String> rsp = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://" + consul.address() + path))
              .PUT(json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
              .build(),
          HttpResponse.BodyHandlers.ofString());
      return rsp.statusCode();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
