package io.micro.plugins.broker.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micro.broker.Broker;
import io.micro.broker.Delivery;
import io.micro.broker.Event;
import io.micro.broker.SubscribeOptions;
import io.micro.broker.spi.GoMicroMessage;
import io.micro.errors.MicroException;
import io.micro.testing.ExternalServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What is particular to MQTT, against a real Mosquitto: the payload, shared subscriptions, restarts. */
class MqttBrokerIT {
  private static ExternalServer mosquitto;
  private final List<AutoCloseable> opened = new ArrayList<>();
  private String prefix;

  @BeforeAll
  static void startMosquitto() {
    mosquitto = Mosquitto.start(false);
  }

  @AfterAll
  static void stopMosquitto() {
    if (mosquitto != null) {
      mosquitto.close();
    }
  }

  @BeforeEach
  void uniquePrefix() {
    prefix = "it-" + UUID.randomUUID().toString().substring(0, 8) + ".";
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : opened) {
      c.close();
    }
  }

  private MqttBroker open(MqttBroker.Builder b) {
    MqttBroker broker = b.addresses(mosquitto.address()).maxReconnectDelay(Duration.ofMillis(500)).build();
    opened.add(broker);
    broker.connect();
    return broker;
  }

  private MqttBroker open() {
    return open(MqttBroker.builder());
  }

  private RawClient raw() throws Exception {
    RawClient c = new RawClient(mosquitto.address());
    opened.add(c);
    return c;
  }

  @Test
  void payloadOnTheWireIsGoMicrosBrokerMessageJsonAtQos1() throws Exception {
    String topic = prefix + "wire";
    RawClient go = raw();
    go.subscribe(topic);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("Micro-ID", "id-1");
    headers.put("Micro-Topic", topic);
    byte[] body = "{\"id\":1}\n".getBytes(StandardCharsets.UTF_8);

    open().publish(topic, Event.of(headers, body));

    eventually(() -> go.received.size() == 1);
    RawClient.Received r = go.received.get(0);
    assertThat(r.topic()).isEqualTo(topic);
    assertThat(r.message().getQos()).isEqualTo(1);
    assertThat(r.message().isRetained()).isFalse();
    JsonNode json = new ObjectMapper().readTree(r.message().getPayload());
    assertThat(json.fieldNames()).toIterable().containsExactly("Header", "Body");
    assertThat(json.get("Header").get("Micro-ID").asText()).isEqualTo("id-1");
    assertThat(json.get("Header").get("Content-Type").asText()).isEqualTo("application/json");
    assertThat(json.get("Header").get("Micro-Topic").asText()).isEqualTo(topic);
    assertThat(json.get("Body").asText()).isEqualTo("eyJpZCI6MX0K"); // base64 of {"id":1}\n, as Go writes it
  }

  @Test
  void goPublishersMessageReachesAJavaSubscriber() throws Exception {
    String topic = prefix + "go.micro.topic.greeting";
    List<Delivery> got = new CopyOnWriteArrayList<>();
    open().subscribe(topic, got::add);
    // a message as go-micro's broker/mqtt plugin publishes it (from a capture of a Go publisher)
    String goJson = "{\"Header\":{\"Content-Type\":\"application/json\",\"Micro-ID\":"
        + "\"230156bf-ab23-4823-be4b-975459d4d1f4\",\"Micro-Topic\":\"" + topic + "\"},"
        + "\"Body\":\"eyJpZCI6MSwibWVzc2FnZSI6ImhpIGZyb20gZ28gY2xpZW50In0K\"}";
    raw().publish(topic, goJson.getBytes(StandardCharsets.UTF_8));

    eventually(() -> got.size() == 1);
    Event e = got.get(0).event();
    assertThat(e.id()).isEqualTo("230156bf-ab23-4823-be4b-975459d4d1f4");
    assertThat(e.contentType()).isEqualTo("application/json");
    assertThat(new String(e.body(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":1,\"message\":\"hi from go client\"}\n");
    assertThat(got.get(0).topic()).isEqualTo(topic);
  }

  @Test
  void queueGroupIsASharedSubscriptionThatAForeignMemberSharesEvenly() throws Exception {
    String topic = prefix + "shared";
    String group = "workers-" + UUID.randomUUID().toString().substring(0, 6);
    RawClient foreign = raw();
    foreign.subscribe("$share/" + group + "/" + topic);
    List<Delivery> ours = new CopyOnWriteArrayList<>();
    open().subscribe(topic, ours::add, SubscribeOptions.builder().queue(group).build());
    MqttBroker pub = open();

    for (int i = 0; i < 100; i++) {
      pub.publish(topic, Event.of(Map.of(Event.ID, "e-" + i), new byte[] {(byte) i}));
    }
    eventually(() -> ours.size() + foreign.received.size() == 100);
    Set<String> ids = new HashSet<>();
    ours.forEach(d -> ids.add(d.event().id()));
    foreign.received.forEach(r -> ids.add(GoMicroMessage.decode(r.message().getPayload()).id()));
    assertThat(ids).hasSize(100);
    // Mosquitto hands a shared subscription's messages to its members in turn
    assertThat(ours).hasSizeBetween(40, 60);
  }

  @Test
  void plainSubscriberWhoseHandlerThrowsGetsTheEventAgainFromTheSameSubscription() {
    String topic = prefix + "plain-retry";
    List<Integer> attempts = new CopyOnWriteArrayList<>();
    open().subscribe(topic, d -> {
      attempts.add(d.attempt());
      if (d.attempt() < 3) {
        throw new IllegalStateException("not yet");
      }
    });
    open().publish(topic, Event.of(Map.of(Event.ID, "p-1"), new byte[1]));
    eventually(() -> attempts.size() == 3);
    assertThat(attempts).containsExactly(1, 2, 3);
  }

  @Test
  void aClosingGroupMemberHandsItsUnacknowledgedEventToAMemberStillThere() {
    String topic = prefix + "handback";
    SubscribeOptions group = SubscribeOptions.builder().queue("hb-" + UUID.randomUUID().toString().substring(0, 6))
        .autoAck(false).build();
    MqttBroker leaving = open();
    List<Delivery> held = new CopyOnWriteArrayList<>();
    var leavingSub = leaving.subscribe(topic, held::add, group); // never acknowledges
    List<Delivery> other = new CopyOnWriteArrayList<>();
    open().subscribe(topic, d -> {
      other.add(d);
      d.ack();
    }, group);
    MqttBroker pub = open();
    int n = 0;
    while (held.isEmpty()) {
      pub.publish(topic, Event.of(Map.of(Event.ID, "h-" + n++), new byte[0]));
      eventually(() -> !held.isEmpty() || other.size() >= 1);
    }
    String heldId = held.get(0).event().id();

    leavingSub.unsubscribe();

    eventually(() -> other.stream().anyMatch(d -> d.event().id().equals(heldId)));
    Delivery again = other.stream().filter(d -> d.event().id().equals(heldId)).findFirst().orElseThrow();
    assertThat(again.attempt()).isEqualTo(2);
    assertThat(again.event().headers()).doesNotContainKey(MqttSubscription.ATTEMPT);
  }

  @Test
  void undecodablePayloadIsLoggedCountedAndSkipped() throws Exception {
    String topic = prefix + "garbage";
    List<Delivery> got = new CopyOnWriteArrayList<>();
    MqttBroker sub = open();
    sub.subscribe(topic, got::add);
    RawClient device = raw();
    device.publish(topic, "21.5 degrees".getBytes(StandardCharsets.UTF_8));
    device.publish(topic, GoMicroMessage.encode(Event.of(Map.of(Event.ID, "ok-1"), new byte[] {1})));

    eventually(() -> got.size() == 1);
    assertThat(got.get(0).event().id()).isEqualTo("ok-1");
    assertThat(sub.undecodable()).isEqualTo(1);
  }

  @Test
  void topicsWithWildcardsAreRefusedBeforeAnythingIsSent() {
    MqttBroker b = open();
    assertThatThrownBy(() -> b.subscribe("sensors/+/temperature", d -> { }))
        .isInstanceOf(MicroException.class)
        .hasMessageContaining("sensors/+/temperature")
        .hasMessageContaining("'+'");
    assertThatThrownBy(() -> b.publish("a.#", Event.of(Map.of(), new byte[0])))
        .isInstanceOf(MicroException.class)
        .hasMessageContaining("'#'");
    assertThatThrownBy(() -> b.subscribe("t", d -> { }, SubscribeOptions.builder().queue("a/b").build()))
        .isInstanceOf(MicroException.class)
        .hasMessageContaining("queue group 'a/b'");
  }

  @Test
  void publishWhileTheServerIsDownFailsLoudlyAndSubscriptionsComeBackWithIt() {
    String topic = prefix + "outage";
    List<Delivery> got = new CopyOnWriteArrayList<>();
    open().subscribe(topic, got::add);
    MqttBroker pub = open(MqttBroker.builder().publishTimeout(Duration.ofMillis(700)));
    pub.publish(topic, Event.of(Map.of(Event.ID, "before"), new byte[0]));
    eventually(() -> got.size() == 1);

    mosquitto.stop();
    try {
      assertThatThrownBy(() -> pub.publish(topic, Event.of(Map.of(Event.ID, "during"), new byte[0])))
          .isInstanceOf(MicroException.class)
          .hasMessageContaining("broker mqtt")
          .hasMessageContaining(topic)
          .satisfies(e -> assertThat(((MicroException) e).code()).isEqualTo(503));
      assertThat(pub.publishAsync(topic, Event.of(Map.of(Event.ID, "during-async"), new byte[0])))
          .failsWithin(Duration.ofSeconds(5));
    } finally {
      mosquitto.restart();
    }

    eventually(() -> {
      try {
        pub.publish(topic, Event.of(Map.of(Event.ID, "after"), new byte[0]));
      } catch (MicroException stillReconnecting) {
        return false;
      }
      sleep(100);
      return got.stream().anyMatch(d -> d.event().id().equals("after"));
    });
    assertThat(got).extracting(d -> d.event().id()).doesNotContain("during", "during-async");
  }

  static void eventually(BooleanSupplier condition) {
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("condition not met within 20 s");
      }
      sleep(20);
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
