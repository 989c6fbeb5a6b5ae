package io.micro.plugins.broker.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micro.broker.Delivery;
import io.micro.broker.Event;
import io.micro.broker.SubscribeOptions;
import io.micro.errors.MicroException;
import io.micro.testing.ExternalServer;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Limits and faults: sizes, publishing while the server is away (core buffers then flushes, or
 * fails loudly; JetStream fails loudly), durable consumers across a restart, JetStream missing.
 * Each test has its own nats-server, since most stop it.
 */
class NatsBrokerTest {
  private ExternalServer nats;
  private final List<NatsBroker> brokers = new CopyOnWriteArrayList<>();
  private String topic;

  @BeforeEach
  void start() {
    nats = NatsServer.start();
    topic = "faults-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @AfterEach
  void stop() {
    brokers.forEach(NatsBroker::close);
    if (nats != null) {
      nats.close();
    }
  }

  private NatsBroker open(NatsBroker.Builder b) {
    NatsBroker broker = b.addresses(nats.address()).reconnectWait(Duration.ofMillis(50))
        .maxReconnectWait(Duration.ofMillis(250)).build();
    brokers.add(broker);
    broker.connect();
    return broker;
  }

  @Test
  void bodyOverTheLimitIsRefusedWith413NamingTheSizes() {
    NatsBroker b = open(NatsBroker.builder().maxMessageSize(1000));
    assertThatThrownBy(() -> b.publish(topic, Event.of(Map.of(Event.ID, "big"), new byte[1001])))
        .isInstanceOfSatisfying(MicroException.class, e -> assertThat(e.code()).isEqualTo(413))
        .hasMessageContaining("1001 bytes (expected: <= 1000)").hasMessageContaining(topic);
  }

  @Test
  void messageOverTheServersMaxPayloadIsRefusedWith413NamingIt() {
    NatsBroker b = open(NatsBroker.builder().maxMessageSize(16 << 20));
    assertThatThrownBy(() -> b.publish(topic, Event.of(Map.of(), new byte[7 << 20])))
        .isInstanceOfSatisfying(MicroException.class, e -> assertThat(e.code()).isEqualTo(413))
        .hasMessageContaining("max_payload");
  }

  @Test
  void corePublishesWhileTheServerIsAwayAreBufferedAndSentOnReconnect() throws Exception {
    NatsBroker b = open(NatsBroker.builder());
    Set<String> got = java.util.concurrent.ConcurrentHashMap.newKeySet();
    b.subscribe(topic, d -> got.add(d.event().id()));
    b.flush(Duration.ofSeconds(5));

    nats.stop();
    awaitDisconnected(b);
    Set<String> sent = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      b.publish(topic, Event.of(Map.of(Event.ID, "during-" + i), new byte[10]));
      sent.add("during-" + i);
    }
    nats.restart();
    eventually(() -> got.containsAll(sent), Duration.ofSeconds(20));
  }

  @Test
  void corePublishFailsLoudlyOnceTheReconnectBufferIsFull() throws Exception {
    NatsBroker b = open(NatsBroker.builder().reconnectBufferSize(4096));
    nats.stop();
    awaitDisconnected(b);
    assertThatThrownBy(() -> {
      for (int i = 0; i < 100; i++) {
        b.publish(topic, Event.of(Map.of(Event.ID, "e-" + i), new byte[512]));
      }
    }).isInstanceOfSatisfying(MicroException.class, e -> assertThat(e.code()).isEqualTo(503))
        .hasMessageContaining("broker nats").hasMessageContaining(topic);
  }

  @Test
  void jetStreamPublishWhileTheServerIsAwayFailsLoudlyAndDurableGroupsResumeAfterIt() throws Exception {
    NatsBroker sub = open(NatsBroker.builder().jetStream(true));
    NatsBroker pub = open(NatsBroker.builder().jetStream(true));
    List<Delivery> got = new CopyOnWriteArrayList<>();
    sub.subscribe(topic, got::add, SubscribeOptions.builder().queue("workers").build());
    pub.publish(topic, Event.of(Map.of(Event.ID, "before"), new byte[1]));
    eventually(() -> got.size() == 1, Duration.ofSeconds(10));

    nats.stop();
    awaitDisconnected(pub);
    assertThatThrownBy(() -> pub.publish(topic, Event.of(Map.of(Event.ID, "during"), new byte[1])))
        .isInstanceOfSatisfying(MicroException.class, e -> assertThat(e.code()).isEqualTo(503))
        .hasMessageContaining("JetStream did not store event during on topic " + topic);
    nats.restart();

    // the stream and the durable consumer live in the server's store; the subscription pulls again
    eventually(() -> {
      try {
        pub.publish(topic, Event.of(Map.of(Event.ID, "after"), new byte[1]));
        return true;
      } catch (MicroException stillDown) {
        return false;
      }
    }, Duration.ofSeconds(20));
    eventually(() -> got.stream().anyMatch(d -> d.event().id().equals("after")), Duration.ofSeconds(20));
  }

  @Test
  void jetStreamEventsPublishedWhileAQueueGroupHasNoMemberWaitForIt() throws Exception {
    NatsBroker pub = open(NatsBroker.builder().jetStream(true));
    SubscribeOptions group = SubscribeOptions.builder().queue("late").build();
    NatsBroker first = open(NatsBroker.builder().jetStream(true));
    first.subscribe(topic, d -> { }, group).unsubscribe(); // the group now exists
    for (int i = 0; i < 20; i++) {
      pub.publish(topic, Event.of(Map.of(Event.ID, "e-" + i), new byte[1]));
    }
    List<Delivery> got = new CopyOnWriteArrayList<>();
    open(NatsBroker.builder().jetStream(true)).subscribe(topic, got::add, group);
    eventually(() -> got.size() == 20, Duration.ofSeconds(10));
    assertThat(got).extracting(d -> d.event().id()).startsWith("e-0", "e-1", "e-2");
  }

  @Test
  void jetStreamModeOnAServerWithoutJetStreamFailsToConnectNamingIt() {
    nats.close();
    nats = NatsServer.start(false);
    NatsBroker b = NatsBroker.builder().addresses(nats.address()).jetStream(true).build();
    brokers.add(b);
    assertThatThrownBy(b::connect)
        .isInstanceOfSatisfying(MicroException.class, e -> assertThat(e.code()).isEqualTo(503))
        .hasMessageContaining("JetStream is not enabled on nats://" + nats.address());
  }

  @Test
  void jetStreamRefusesWildcardTopics() {
    NatsBroker b = open(NatsBroker.builder().jetStream(true));
    assertThatThrownBy(() -> b.subscribe("orders.*", d -> { }))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("orders.*");
  }

  private static void awaitDisconnected(NatsBroker b) throws InterruptedException {
    eventually(() -> {
      try {
        b.flush(Duration.ofMillis(100));
        return false;
      } catch (Exception e) {
        return true;
      }
    }, Duration.ofSeconds(10));
  }

  private static void eventually(BooleanSupplier condition, Duration bound) throws InterruptedException {
    long end = System.nanoTime() + bound.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("condition not met within " + bound);
      }
      Thread.sleep(20);
    }
  }
}
