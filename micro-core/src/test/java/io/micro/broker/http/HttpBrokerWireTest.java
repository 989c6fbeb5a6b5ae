package io.micro.broker.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micro.broker.Delivery;
import io.micro.broker.Event;
import io.micro.broker.SubscribeOptions;
import io.micro.broker.spi.GoMicroMessage;
import io.micro.errors.MicroException;
import io.micro.registry.Node;
import io.micro.registry.Service;
import io.micro.registry.memory.MemoryRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP broker on the wire, as go-micro v4.11 shows it (protocol doc F.8, wire samples §3, §5). */
class HttpBrokerWireTest {
  /** The body a Go client sent in the wire capture (section 3). */
  private static final String GO_BODY = "{\"Header\":{\"Content-Type\":\"application/json\",\"Micro-ID\":"
      + "\"230156bf-ab23-4823-be4b-975459d4d1f4\",\"Micro-Topic\":\"go.micro.topic.greeting\"},"
      + "\"Body\":\"eyJpZCI6MSwibWVzc2FnZSI6ImhpIGZyb20gZ28gY2xpZW50In0K\"}";

  private final MemoryRegistry registry = MemoryRegistry.create();
  private final HttpBroker broker = HttpBroker.builder().registry(registry).maxMessageSize(1024).build();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final List<Delivery> got = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    broker.close();
    registry.close();
  }

  private Node subscribe(String topic, SubscribeOptions options) {
    broker.subscribe(topic, got::add, options);
    return registry.getService(HttpBroker.SERVICE).stream()
        .flatMap(s -> s.nodes().stream())
        .filter(n -> topic.equals(n.metadata().get("topic")))
        .findFirst().orElseThrow();
  }

  private HttpResponse<String> post(String id, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://" + broker.address() + "/?id=" + id))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void subscriptionRegistersAsGoMicroDoes() {
    broker.connect();
    assertThat(broker.address()).startsWith("127.0.0.1:");
    subscribe("go.micro.topic.greeting", SubscribeOptions.DEFAULT);
    subscribe("orders", SubscribeOptions.builder().queue("billing").build());

    List<Service> services = registry.getService(HttpBroker.SERVICE);
    assertThat(services).extracting(Service::version).containsExactlyInAnyOrder("ff.http.broadcast", "billing");
    Node n = services.stream().filter(s -> s.version().equals("ff.http.broadcast")).findFirst()
        .orElseThrow().nodes().get(0);
    assertThat(n.id()).matches("go\\.micro\\.topic\\.greeting-[0-9a-f-]{36}");
    assertThat(n.address()).isEqualTo(broker.address());
    assertThat(n.metadata()).containsExactlyInAnyOrderEntriesOf(
        Map.of("broker", "http", "secure", "false", "topic", "go.micro.topic.greeting"));
  }

  @Test
  void goPublishersMessageIsDeliveredWithItsHeaders() throws Exception {
    Node node = subscribe("go.micro.topic.greeting", SubscribeOptions.DEFAULT);
    HttpResponse<String> rsp = post(node.id(), GO_BODY);
    assertThat(rsp.statusCode()).isEqualTo(200);
    assertThat(rsp.body()).isEmpty();
    assertThat(got).hasSize(1);
    Event e = got.get(0).event();
    assertThat(got.get(0).topic()).isEqualTo("go.micro.topic.greeting");
    assertThat(e.id()).isEqualTo("230156bf-ab23-4823-be4b-975459d4d1f4");
    assertThat(e.contentType()).isEqualTo("application/json");
    assertThat(new String(e.body(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":1,\"message\":\"hi from go client\"}\n");
  }

  @Test
  void getIsRefusedWith405AndErrorJson() throws Exception {
    broker.connect();
    HttpResponse<String> rsp = http.send(HttpRequest.newBuilder(URI.create("http://" + broker.address() + "/")).GET()
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(rsp.statusCode()).isEqualTo(405);
    MicroException e = MicroException.parse(rsp.body());
    assertThat(e.id()).isEqualTo("go.micro.broker");
    assertThat(e.detail()).contains("Method not allowed");
  }

  @Test
  void missingTopicGets500TopicNotFoundAsGoMicro() throws Exception {
    Node node = subscribe("t", SubscribeOptions.DEFAULT);
    HttpResponse<String> rsp = post(node.id(), "{\"Header\":{},\"Body\":\"\"}");
    assertThat(rsp.statusCode()).isEqualTo(500);
    assertThat(rsp.body()).isEqualTo(
        "{\"id\":\"go.micro.broker\",\"code\":500,\"detail\":\"Topic not found\",\"status\":\"Internal Server Error\"}");
    assertThat(got).isEmpty();
  }

  @Test
  void unknownSubscriberIdGets404NamingIt() throws Exception {
    subscribe("go.micro.topic.greeting", SubscribeOptions.DEFAULT);
    HttpResponse<String> rsp = post("nobody", GO_BODY);
    assertThat(rsp.statusCode()).isEqualTo(404);
    assertThat(MicroException.parse(rsp.body()).detail()).contains("'nobody'");
    assertThat(got).isEmpty();
  }

  @Test
  void malformedJsonGets400AndOversizedBody413() throws Exception {
    Node node = subscribe("t", SubscribeOptions.DEFAULT);
    HttpResponse<String> bad = post(node.id(), "{\"Header\":[1]}");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(MicroException.parse(bad.body()).detail()).contains("Header");

    String huge = "{\"Header\":{\"Micro-Topic\":\"t\"},\"Body\":\"" + "A".repeat(200_000) + "\"}";
    HttpResponse<String> big = post(node.id(), huge);
    assertThat(big.statusCode()).isEqualTo(413);
    assertThat(MicroException.parse(big.body()).code()).isEqualTo(413);
  }

  @Test
  void throwingHandlerIsAnswered500SoThePublisherRetries() throws Exception {
    broker.subscribe("t", d -> {
      throw new IllegalStateException("boom");
    });
    Node node = registry.getService(HttpBroker.SERVICE).get(0).nodes().get(0);
    HttpResponse<String> rsp = post(node.id(), "{\"Header\":{\"Micro-Topic\":\"t\",\"Micro-ID\":\"e1\"},\"Body\":null}");
    assertThat(rsp.statusCode()).isEqualTo(500);
    assertThat(MicroException.parse(rsp.body()).detail()).contains("e1");
  }

  @Test
  void publishSendsGoMicrosJsonWithTheTopicHeader() throws Exception {
    Node node = subscribe("orders", SubscribeOptions.DEFAULT);
    broker.publishAsync("orders", Event.of(Map.of("Micro-ID", "x1"), new byte[] {0, 1, (byte) 255}))
        .get(10, TimeUnit.SECONDS);
    assertThat(got).hasSize(1);
    Event e = got.get(0).event();
    assertThat(e.headers()).containsEntry("Micro-Topic", "orders").containsEntry("Micro-ID", "x1");
    assertThat(e.body()).containsExactly(0, 1, 255);
    assertThat(new String(GoMicroMessage.encode(Event.of(Map.of("Micro-Topic", "orders"), new byte[] {1, 2})), StandardCharsets.UTF_8))
        .isEqualTo("{\"Header\":{\"Micro-Topic\":\"orders\"},\"Body\":\"AQI=\"}");
    assertThat(node.id()).startsWith("orders-");
  }

  @Test
  void undeliverableEventIsReportedAndFailsTheFuture() {
    List<DeliveryFailure> failures = new CopyOnWriteArrayList<>();
    try (HttpBroker pub = HttpBroker.builder().registry(registry).maxAttempts(2)
        .onDeliveryFailure(failures::add).build()) {
      // a subscriber that registered and died without deregistering
      registry.register(new Service(HttpBroker.SERVICE, "ff.http.broadcast", Map.of(), List.of(),
          List.of(new Node("dead-1", "127.0.0.1:1", Map.of("broker", "http", "topic", "dead", "secure", "false")))),
          java.time.Duration.ofMinutes(1));
      assertThatThrownBy(() -> pub.publishAsync("dead", Event.of(Map.of("Micro-ID", "lost-1"), new byte[1]))
          .get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(MicroException.class).hasMessageContaining("lost-1");
      assertThat(failures).singleElement().satisfies(f -> {
        assertThat(f.nodeId()).isEqualTo("dead-1");
        assertThat(f.attempts()).isEqualTo(2);
      });
      assertThat(pub.deliveryFailures()).isEqualTo(1);
    }
  }

  @Test
  void tooLargeEventIsRefusedAtPublish() {
    broker.connect();
    assertThatThrownBy(() -> broker.publish("t", Event.of(Map.of(), new byte[2048])))
        .isInstanceOf(MicroException.class).hasMessageContaining("2048 bytes (expected: <= 1024)");
  }

  @Test
  void unsubscribeAndCloseDeregister() {
    var sub = broker.subscribe("t", got::add);
    assertThat(registry.getService(HttpBroker.SERVICE)).isNotEmpty();
    sub.unsubscribe();
    assertThat(registry.getService(HttpBroker.SERVICE)).isEmpty();
    broker.subscribe("u", got::add);
    broker.close();
    assertThat(registry.getService(HttpBroker.SERVICE)).isEmpty();
  }
}
