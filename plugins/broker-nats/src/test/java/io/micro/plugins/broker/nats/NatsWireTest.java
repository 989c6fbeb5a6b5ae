package io.micro.plugins.broker.nats;

import static org.assertj.core.api.Assertions.assertThat;

import io.micro.broker.Delivery;
import io.micro.broker.Event;
import io.micro.broker.SubscribeOptions;
import io.micro.testing.ExternalServer;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.Subscription;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What goes over NATS, seen from a plain jnats connection standing for a Go service using
 * go-micro's NATS broker (which publishes and subscribes with core NATS and the JSON message).
 */
class NatsWireTest {
  /** The modern HTTP and NATS brokers' message from the protocol reference (C.6), as Go writes it. */
  private static final String GO_MESSAGE = "{\"Header\":{\"Content-Type\":\"application/json\","
      + "\"Micro-ID\":\"5d2a3c1e-8a4b-4f1e-9c7d-2b6e0f3a1c9b\",\"Micro-Topic\":\"events\"},"
      + "\"Body\":\"eyJpZCI6MX0K\"}";

  private static ExternalServer nats;
  private final List<NatsBroker> brokers = new CopyOnWriteArrayList<>();
  private Connection go;
  private String topic;

  @BeforeAll
  static void startNats() {
    nats = NatsServer.start();
  }

  @AfterAll
  static void stopNats() {
    if (nats != null) {
      nats.close();
    }
  }

  @BeforeEach
  void connectGo() throws Exception {
    go = NatsServer.raw(nats);
    topic = "wire-" + UUID.randomUUID().toString().substring(0, 8) + ".events";
  }

  @AfterEach
  void close() throws Exception {
    brokers.forEach(NatsBroker::close);
    go.close();
  }

  private NatsBroker broker(boolean jetStream) {
    NatsBroker b = NatsBroker.builder().addresses(nats.address()).jetStream(jetStream).build();
    brokers.add(b);
    b.connect();
    return b;
  }

  @Test
  void publishPutsGoMicrosJsonMessageOnTheSubjectNamedByTheTopic() throws Exception {
    Subscription raw = go.subscribe(topic);
    go.flush(Duration.ofSeconds(5));
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Micro-Topic", "events");
    h.put("Micro-ID", "5d2a3c1e-8a4b-4f1e-9c7d-2b6e0f3a1c9b");
    h.put("Content-Type", "application/json");
    broker(false).publish(topic, Event.of(h, "{\"id\":1}\n".getBytes(StandardCharsets.UTF_8)));

    Message m = raw.nextMessage(Duration.ofSeconds(10));
    assertThat(m).isNotNull();
    assertThat(m.getSubject()).isEqualTo(topic);
    assertThat(m.hasHeaders()).as("core NATS: no NATS headers, as Go sends").isFalse();
    assertThat(new String(m.getData(), StandardCharsets.UTF_8)).isEqualTo(GO_MESSAGE);
  }

  @Test
  void messagePublishedByGoIsDelivered() throws Exception {
    List<Delivery> got = new CopyOnWriteArrayList<>();
    broker(false).subscribe(topic, got::add);
    awaitInterest();
    go.publish(topic, GO_MESSAGE.getBytes(StandardCharsets.UTF_8));

    eventually(() -> got.size() == 1);
    Delivery d = got.get(0);
    assertThat(d.topic()).isEqualTo(topic);
    assertThat(d.event().id()).isEqualTo("5d2a3c1e-8a4b-4f1e-9c7d-2b6e0f3a1c9b");
    assertThat(d.event().topic()).isEqualTo("events");
    assertThat(d.event().contentType()).isEqualTo("application/json");
    assertThat(new String(d.event().body(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":1}\n");
  }

  @Test
  void queueIsANatsQueueGroupSharedWithGoMembers() throws Exception {
    AtomicInteger goMember = new AtomicInteger();
    AtomicInteger javaMember = new AtomicInteger();
    AtomicInteger plain = new AtomicInteger();
    Dispatcher d = go.createDispatcher(m -> goMember.incrementAndGet());
    d.subscribe(topic, "billing");
    go.flush(Duration.ofSeconds(5));
    NatsBroker java = broker(false);
    java.subscribe(topic, x -> javaMember.incrementAndGet(), SubscribeOptions.builder().queue("billing").build());
    java.subscribe(topic, x -> plain.incrementAndGet());
    awaitInterest();

    NatsBroker pub = broker(false);
    for (int i = 0; i < 200; i++) {
      pub.publish(topic, Event.of(Map.of(Event.ID, "e-" + i), new byte[] {(byte) i}));
    }
    eventually(() -> goMember.get() + javaMember.get() == 200 && plain.get() == 200);
    Thread.sleep(300);
    assertThat(goMember.get() + javaMember.get()).as("each event once in the group").isEqualTo(200);
    assertThat(goMember.get()).as("the Go member's share").isPositive();
    assertThat(javaMember.get()).as("the Java member's share").isPositive();
  }

  @Test
  void undecodableMessageIsCountedAndTheSubscriptionGoesOn() throws Exception {
    NatsBroker b = broker(false);
    List<Delivery> got = new CopyOnWriteArrayList<>();
    b.subscribe(topic, got::add);
    awaitInterest();
    go.publish(topic, "not json".getBytes(StandardCharsets.UTF_8));
    go.publish(topic, GO_MESSAGE.getBytes(StandardCharsets.UTF_8));
    eventually(() -> got.size() == 1);
    assertThat(b.undecodable()).isEqualTo(1);
  }

  @Test
  void jetStreamStoresWhatGoPublishesWithCoreNatsAndGoSubscribersSeeWhatItPublishes() throws Exception {
    NatsBroker js = broker(true);
    List<Delivery> got = new CopyOnWriteArrayList<>();
    js.subscribe(topic, got::add, SubscribeOptions.builder().queue("workers").build());
    Subscription goSub = go.subscribe(topic);
    go.flush(Duration.ofSeconds(5));

    // a Go service with go-micro's core NATS broker publishes; the stream covering the topic keeps it
    go.publish(topic, GO_MESSAGE.getBytes(StandardCharsets.UTF_8));
    eventually(() -> got.size() == 1);
    assertThat(got.get(0).event().id()).isEqualTo("5d2a3c1e-8a4b-4f1e-9c7d-2b6e0f3a1c9b");
    assertThat(got.get(0).attempt()).isEqualTo(1);
    assertThat(goSub.nextMessage(Duration.ofSeconds(5))).isNotNull(); // its own message

    // a JetStream publish is an ordinary message on the subject to a Go subscriber
    Event e = Event.of(Map.of(Event.ID, "js-1", Event.CONTENT_TYPE, "text/plain"), "hi".getBytes(StandardCharsets.UTF_8));
    js.publish(topic, e);
    Message m = goSub.nextMessage(Duration.ofSeconds(10));
    assertThat(m).isNotNull();
    assertThat(new String(m.getData(), StandardCharsets.UTF_8))
        .isEqualTo("{\"Header\":{\"Content-Type\":\"text/plain\",\"Micro-ID\":\"js-1\"},\"Body\":\"aGk=\"}");
    assertThat(m.getHeaders().getFirst("Nats-Msg-Id")).isEqualTo(topic + "/js-1");
  }

  @Test
  void jetStreamTerminatesAnUndecodableMessageSoItIsNotRedelivered() throws Exception {
    NatsBroker js = NatsBroker.builder().addresses(nats.address()).jetStream(true)
        .ackWait(Duration.ofSeconds(1)).build();
    brokers.add(js);
    List<Delivery> got = new CopyOnWriteArrayList<>();
    js.subscribe(topic, got::add, SubscribeOptions.builder().queue("workers").build());
    go.publish(topic, "{\"Header\":".getBytes(StandardCharsets.UTF_8));
    go.publish(topic, GO_MESSAGE.getBytes(StandardCharsets.UTF_8));
    eventually(() -> got.size() == 1);
    Thread.sleep(2500); // past two ack waits: an unterminated message would be back by now
    assertThat(js.undecodable()).isEqualTo(1);
    assertThat(got).hasSize(1);
  }

  /** Waits until the server routes the topic to the subscriptions made so far. */
  private void awaitInterest() throws Exception {
    for (NatsBroker b : brokers) {
      b.flush(Duration.ofSeconds(5)); // the server has processed every SUB sent before the PING
    }
    go.flush(Duration.ofSeconds(5));
  }

  private static void eventually(BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("condition not met within 10 s");
      }
      Thread.sleep(20);
    }
  }
}
