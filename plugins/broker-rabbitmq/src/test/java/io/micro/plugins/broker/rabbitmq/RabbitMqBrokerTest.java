package io.micro.plugins.broker.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.LongString;
import io.micro.broker.Broker;
import io.micro.broker.Delivery;
import io.micro.broker.Event;
import io.micro.broker.SubscribeOptions;
import io.micro.broker.Subscription;
import io.micro.broker.spi.BrokerProvider;
import io.micro.errors.MicroException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What only RabbitMQ shows: the message on the wire as go-micro's rabbitmq broker writes and reads
 * it (checked with the raw client), server-side behaviour (durable groups, quorum counting,
 * prefetch, refused declarations) and recovery after the node restarts.
 */
class RabbitMqBrokerTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static LoopbackRabbit rabbit;

  private final List<AutoCloseable> opened = new ArrayList<>();
  private String prefix;
  private Connection raw;
  private Channel rawChannel;

  @BeforeAll
  static void startRabbit() {
    rabbit = LoopbackRabbit.start();
  }

  @AfterAll
  static void stopRabbit() {
    if (rabbit != null) {
      rabbit.close();
    }
  }

  @BeforeEach
  void rawClient() throws Exception {
    prefix = "t-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    ConnectionFactory f = new ConnectionFactory();
    f.setHost("127.0.0.1");
    f.setPort(rabbit.port());
    f.setAutomaticRecoveryEnabled(false);
    raw = f.newConnection();
    rawChannel = raw.createChannel();
  }

  @AfterEach
  void closeAll() {
    for (AutoCloseable c : opened) {
      try {
        c.close();
      } catch (Exception ignored) {
        // the test's own failure matters more
      }
    }
    opened.clear();
    try {
      raw.abort();
    } catch (RuntimeException ignored) {
      // already gone
    }
  }

  private RabbitMqBroker open(RabbitMqBroker.Builder b) {
    RabbitMqBroker broker = b.build();
    opened.add(broker);
    broker.connect();
    return broker;
  }

  private RabbitMqBroker open() {
    return open(RabbitMqBroker.builder().addresses(rabbit.address()));
  }

  // ----------------------------------------------------------------------------------- the wire

  @Test
  void publishedEventIsTheGoMicroMessageOnExchangeMicroWithTheTopicAsRoutingKey() throws Exception {
    String topic = prefix + "wire";
    RabbitMqBroker broker = open(); // declares the exchange
    String q = rawChannel.queueDeclare().getQueue();
    rawChannel.queueBind(q, "micro", topic);
    byte[] body = {0, 1, 2, (byte) 0xff, '{', '}'};
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(Event.ID, "id-1");
    headers.put(Event.TOPIC, topic);
    headers.put(Event.CONTENT_TYPE, "application/json");
    headers.put("X-Trace", "abc");

    broker.publish(topic, Event.of(headers, body));

    GetResponse got = poll(q);
    assertThat(got.getEnvelope().getExchange()).isEqualTo("micro");
    assertThat(got.getEnvelope().getRoutingKey()).isEqualTo(topic);
    assertThat(got.getBody()).as("raw body, no JSON wrapping").isEqualTo(body);
    Map<String, Object> amqpHeaders = got.getProps().getHeaders();
    assertThat(amqpHeaders).hasSize(headers.size());
    headers.forEach((k, v) -> {
      assertThat(amqpHeaders.get(k)).as("header " + k + " is an AMQP long string").isInstanceOf(LongString.class);
      assertThat(amqpHeaders.get(k).toString()).isEqualTo(v);
    });
    assertThat(got.getProps().getDeliveryMode()).as("persistent").isEqualTo(2);
  }

  @Test
  void exchangeIsDeclaredExactlyAsGoMicroDeclaresIt() throws Exception {
    open();
    // go-micro: ExchangeDeclare("micro", "topic", durable=false, autoDelete=false, internal=false)
    // an inequivalent declaration would close the channel with 406 PRECONDITION_FAILED
    rawChannel.exchangeDeclare("micro", "topic", false, false, false, null);
    assertThat(rawChannel.isOpen()).isTrue();
  }

  @Test
  void messagePublishedByGoToTheExchangeIsDelivered() throws Exception {
    String topic = prefix + "from-go";
    List<Delivery> got = new CopyOnWriteArrayList<>();
    open().subscribe(topic, got::add);
    // what go-micro's rabbitmq broker sends: string headers, raw body, no properties
    Map<String, Object> goHeaders = new HashMap<>();
    goHeaders.put("Micro-Topic", topic);
    goHeaders.put("Micro-ID", "go-1");
    goHeaders.put("Content-Type", "application/json");
    goHeaders.put("Micro-From-Service", "go.micro.srv.orders");
    byte[] json = "{\"id\":7}".getBytes(StandardCharsets.UTF_8);
    awaitDelivered(got, () -> rawPublish(topic, goHeaders, json));

    Delivery d = got.get(got.size() - 1);
    assertThat(d.topic()).isEqualTo(topic);
    assertThat(d.attempt()).isEqualTo(1);
    assertThat(d.event().body()).isEqualTo(json);
    assertThat(d.event().headers()).containsEntry("Micro-ID", "go-1").containsEntry("Content-Type", "application/json")
        .containsEntry("Micro-From-Service", "go.micro.srv.orders").containsEntry("Micro-Topic", topic);
  }

  @Test
  void headersOfOtherTypesArriveAsTextAndAMissingTopicHeaderIsTheRoutingKey() throws Exception {
    String topic = prefix + "types";
    List<Delivery> got = new CopyOnWriteArrayList<>();
    open().subscribe(topic, got::add);
    Map<String, Object> headers = new HashMap<>();
    headers.put("count", 42);
    headers.put("flag", true);
    headers.put("bytes", "raw".getBytes(StandardCharsets.UTF_8));
    awaitDelivered(got, () -> rawPublish(topic, headers, new byte[0]));

    Event e = got.get(got.size() - 1).event();
    assertThat(e.headers()).containsEntry("count", "42").containsEntry("flag", "true").containsEntry("bytes", "raw");
    assertThat(e.topic()).as("go-micro sets Micro-Topic from the routing key").isEqualTo(topic);
  }

  @Test
  void headerValuesLongerThanAnAmqpShortStringArriveWhole() {
    RabbitMqBroker broker = open();
    String topic = prefix + "long";
    List<Delivery> got = new CopyOnWriteArrayList<>();
    broker.subscribe(topic, got::add);
    String longId = "i".repeat(300);
    String longType = "application/" + "x".repeat(300);
    awaitDelivered(got, () -> broker.publish(topic,
        Event.of(Map.of(Event.ID, longId, Event.CONTENT_TYPE, longType), new byte[0])));
    assertThat(got.get(0).event().id()).isEqualTo(longId);
    assertThat(got.get(0).event().contentType()).isEqualTo(longType);
  }

  @Test
  void wildcardSubscriptionGetsTheRoutingKeyAsTopicAlsoOnRedelivery() {
    RabbitMqBroker broker = open();
    List<Delivery> got = new CopyOnWriteArrayList<>();
    broker.subscribe(prefix + "orders.*", d -> {
      got.add(d);
      if (d.attempt() == 1 && d.event().header("Probe") == null) {
        throw new IllegalStateException("once");
      }
    }, SubscribeOptions.builder().queue(prefix + "wild").build());
    awaitDelivered(got, () -> broker.publish(prefix + "orders.probe", Event.of(Map.of("Probe", "1"), new byte[0])));
    got.clear();

    broker.publish(prefix + "orders.created", Event.of(Map.of(Event.ID, "e-1"), new byte[] {1}));
    eventually(() -> got.size() >= 2);
    assertThat(got).extracting(Delivery::topic).containsOnly(prefix + "orders.created");
    assertThat(got).extracting(Delivery::attempt).containsExactly(1, 2);
    assertThat(got.get(1).event().headers()).as("no private headers").doesNotContainKeys(
        Wire.REDELIVERIES, Wire.ROUTING_KEY, Wire.DELIVERY_COUNT);
    assertThat(got.get(1).event().headers()).isEqualTo(got.get(0).event().headers());
  }

  // --------------------------------------------------------------------------- server behaviour

  @Test
  void queueGroupQueueIsDurableAndKeepsEventsWhileNoMemberRuns() {
    RabbitMqBroker broker = open();
    String topic = prefix + "kept";
    SubscribeOptions group = SubscribeOptions.builder().queue(prefix + "keepers").build();
    broker.subscribe(topic, d -> { }, group).unsubscribe();

    for (int i = 0; i < 3; i++) {
      broker.publish(topic, Event.of(Map.of("Seq", Integer.toString(i)), new byte[0]));
    }
    List<Delivery> got = new CopyOnWriteArrayList<>();
    open().subscribe(topic, got::add, group);
    eventually(() -> got.size() == 3);
    assertThat(got).extracting(d -> d.event().header("Seq")).containsExactly("0", "1", "2");
  }

  @Test
  void quorumQueueGroupsAreCountedByTheServer() throws Exception {
    RabbitMqBroker broker = open(RabbitMqBroker.builder().addresses(rabbit.address()).quorumQueues(true));
    String topic = prefix + "quorum";
    String queue = prefix + "quorum-group";
    List<Delivery> got = new CopyOnWriteArrayList<>();
    broker.subscribe(topic, d -> {
      got.add(d);
      if (d.event().header("Probe") == null && d.attempt() < 3) {
        throw new IllegalStateException("not yet");
      }
    }, SubscribeOptions.builder().queue(queue).build());
    awaitDelivered(got, () -> broker.publish(topic, Event.of(Map.of("Probe", "1"), new byte[0])));
    got.clear();

    broker.publish(topic, Event.of(Map.of(Event.ID, "q-1"), new byte[] {9}));
    eventually(() -> got.size() >= 3);
    assertThat(got).extracting(Delivery::attempt).containsExactly(1, 2, 3);
    assertThat(got.get(2).event().headers()).doesNotContainKey(Wire.DELIVERY_COUNT);
    // the queue really is a quorum queue: declaring it classic is refused
    assertThatThrownBy(() -> rawChannel.queueDeclare(queue, true, false, false, Map.of("x-queue-type", "classic")))
        .isInstanceOf(IOException.class);
  }

  @Test
  void prefetchBoundsTheEventsHeldUnacknowledged() {
    RabbitMqBroker broker = open(RabbitMqBroker.builder().addresses(rabbit.address()).prefetch(5));
    String topic = prefix + "prefetch";
    List<Delivery> held = new CopyOnWriteArrayList<>();
    broker.subscribe(topic, held::add, SubscribeOptions.builder().queue(prefix + "slow").autoAck(false).build());
    for (int i = 0; i < 20; i++) {
      broker.publish(topic, Event.of(Map.of("Seq", Integer.toString(i)), new byte[0]));
    }
    eventually(() -> held.size() == 5);
    sleep(500); // more would arrive now if the prefetch were not respected
    assertThat(held).hasSize(5);

    held.forEach(Delivery::ack);
    eventually(() -> held.size() == 10);
  }

  @Test
  void queueGroupDeclaredElsewhereWithOtherSettingsFailsNamingItAndCanBeMatched() throws Exception {
    String topic = prefix + "mismatch";
    String queue = prefix + "go-default";
    // go-micro's default queue group: non-durable, auto-delete
    rawChannel.queueDeclare(queue, false, false, true, null);
    Channel keepAlive = raw.createChannel();
    keepAlive.basicConsume(queue, true, (tag, d) -> { }, tag -> { });

    RabbitMqBroker broker = open();
    assertThatThrownBy(() -> broker.subscribe(topic, d -> { }, SubscribeOptions.builder().queue(queue).build()))
        .isInstanceOf(MicroException.class)
        .hasMessageContaining(queue)
        .hasMessageContaining("PRECONDITION_FAILED")
        .hasMessageContaining("durable");

    RabbitMqBroker goLike = open(RabbitMqBroker.builder().addresses(rabbit.address()).durableQueues(false));
    List<Delivery> got = new CopyOnWriteArrayList<>();
    goLike.subscribe(topic, got::add, SubscribeOptions.builder().queue(queue).build());
    awaitDelivered(got, () -> goLike.publish(topic, Event.of(Map.of(), new byte[] {1})));
  }

  @Test
  void publishingToAnExchangeThatVanishedFailsLoudlyAndWorksOnceItIsBack() throws Exception {
    String exchange = prefix + "ex";
    RabbitMqBroker broker = open(RabbitMqBroker.builder().addresses(rabbit.address()).exchange(exchange));
    broker.publish(prefix + "x", Event.of(Map.of(), new byte[0]));
    rawChannel.exchangeDelete(exchange);

    assertThatThrownBy(() -> broker.publish(prefix + "x", Event.of(Map.of(), new byte[0])))
        .isInstanceOf(MicroException.class)
        .satisfies(e -> assertThat(((MicroException) e).code()).isEqualTo(503))
        .hasMessageContaining("NOT_FOUND");
    rawChannel.exchangeDeclare(exchange, "topic");
    eventually(() -> {
      try {
        broker.publish(prefix + "x", Event.of(Map.of(), new byte[0]));
        return true;
      } catch (MicroException stillClosing) {
        return false;
      }
    });
  }

  @Test
  void tooLargeAndUnroutableTopicsAreRefusedBeforeSending() {
    RabbitMqBroker broker = open(RabbitMqBroker.builder().addresses(rabbit.address()).maxMessageSize(10));
    assertThatThrownBy(() -> broker.publish(prefix + "big", Event.of(Map.of(), new byte[11])))
        .isInstanceOf(MicroException.class).hasMessageContaining("11 bytes (expected: <= 10)");
    assertThatThrownBy(() -> broker.publish("x".repeat(256), Event.of(Map.of(), new byte[1])))
        .isInstanceOf(MicroException.class).hasMessageContaining("256 bytes");
    assertThatThrownBy(() -> broker.subscribe("", d -> { })).isInstanceOf(MicroException.class);
  }

  @Test
  void providerIsFoundByNameAndTakesGoMicrosAmqpUri() {
    BrokerProvider provider = ServiceLoader.load(BrokerProvider.class).stream().map(ServiceLoader.Provider::get)
        .filter(p -> p.name().equals("rabbitmq")).findFirst().orElseThrow();
    Broker broker = provider.create(BrokerProvider.Config.of("amqp://guest:guest@" + rabbit.address() + "/"));
    opened.add(broker);
    broker.connect();
    assertThat(broker.name()).isEqualTo("rabbitmq");
    assertThat(broker.address()).isEqualTo(rabbit.address()).doesNotContain("guest");
    assertThat(broker.durable()).isTrue();
  }

  @Test
  void wrongPasswordFailsConnectNamingTheBrokerAndAddress() {
    RabbitMqBroker broker = RabbitMqBroker.builder().addresses(rabbit.address()).password("wrong").build();
    opened.add(broker);
    assertThatThrownBy(broker::connect).isInstanceOf(MicroException.class)
        .hasMessageContaining("broker rabbitmq").hasMessageContaining(rabbit.address());
  }

  // ----------------------------------------------------------------------------------- recovery

  @Test
  void aRestartLosesNothingPublishedConfirmedAndSubscriptionsComeBack() {
    RabbitMqBroker pub = open(RabbitMqBroker.builder().addresses(rabbit.address()).publishTimeout(Duration.ofSeconds(2)));
    RabbitMqBroker sub = open();
    String topic = prefix + "restart";
    SubscribeOptions group = SubscribeOptions.builder().queue(prefix + "restart-group").build();
    List<Delivery> live = new CopyOnWriteArrayList<>();
    Subscription plain = sub.subscribe(topic, live::add);
    List<Delivery> grouped = new CopyOnWriteArrayList<>();
    sub.subscribe(topic, grouped::add, group);
    awaitDelivered(live, () -> pub.publish(topic, Event.of(Map.of("Probe", "1"), new byte[0])));
    eventually(() -> !grouped.isEmpty());
    // an absent group (durable queue, persistent events) keeps what was confirmed before the stop
    String absentTopic = prefix + "absent";
    SubscribeOptions absent = SubscribeOptions.builder().queue(prefix + "absent-group").build();
    pub.subscribe(absentTopic, d -> { }, absent).unsubscribe();
    pub.publish(absentTopic, Event.of(Map.of("Kept", "yes"), new byte[] {42}));

    rabbit.stopNode();
    assertThatThrownBy(() -> pub.publish(topic, Event.of(Map.of(), new byte[0])))
        .as("publishing while RabbitMQ is down fails loudly").isInstanceOf(MicroException.class)
        .satisfies(e -> assertThat(((MicroException) e).code()).isEqualTo(503));
    rabbit.startAgain();

    live.clear();
    grouped.clear();
    eventually(() -> {
      try {
        pub.publish(topic, Event.of(Map.of("After", "restart"), new byte[0]));
      } catch (MicroException stillRecovering) {
        return false;
      }
      sleep(200);
      return !live.isEmpty() && !grouped.isEmpty();
    }, WAIT.multipliedBy(4));
    assertThat(plain.topic()).isEqualTo(topic);

    List<Delivery> kept = new CopyOnWriteArrayList<>();
    open().subscribe(absentTopic, kept::add, absent);
    eventually(() -> !kept.isEmpty());
    assertThat(kept.get(0).event().header("Kept")).isEqualTo("yes");
  }

  // ------------------------------------------------------------------------------------ helpers

  private void rawPublish(String topic, Map<String, Object> headers, byte[] body) {
    try {
      rawChannel.basicPublish("micro", topic, new AMQP.BasicProperties.Builder().headers(headers).build(), body);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private GetResponse poll(String queue) throws IOException {
    long end = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < end) {
      GetResponse r = rawChannel.basicGet(queue, true);
      if (r != null) {
        return r;
      }
      sleep(20);
    }
    throw new AssertionError("nothing arrived in queue " + queue + " within " + WAIT);
  }

  /** Repeats {@code send} until {@code got} has something (the subscription may take effect late). */
  private static void awaitDelivered(List<Delivery> got, Runnable send) {
    eventually(() -> {
      send.run();
      for (int i = 0; i < 25 && got.isEmpty(); i++) {
        sleep(20);
      }
      return !got.isEmpty();
    });
  }

  private static void eventually(BooleanSupplier condition) {
    eventually(condition, WAIT);
  }

  private static void eventually(BooleanSupplier condition, Duration bound) {
    long end = System.nanoTime() + bound.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("condition not met within " + bound);
      }
      sleep(20);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
