package io.micro.plugins.broker.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micro.broker.Delivery;
import io.micro.broker.Event;
import io.micro.broker.SubscribeOptions;
import io.micro.broker.Subscription;
import io.micro.errors.MicroException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What is particular to Kafka: the wire, offsets, rebalances, back-pressure; one in-JVM broker. */
class KafkaBrokerTest {
  private static LoopbackKafka kafka;
  private static Admin admin;
  private final List<KafkaBroker> opened = new ArrayList<>();
  private String topic;

  @BeforeAll
  static void startKafka() throws IOException {
    kafka = LoopbackKafka.start();
    admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap()));
  }

  @AfterAll
  static void stopKafka() {
    admin.close();
    kafka.close();
  }

  @BeforeEach
  void uniqueTopic() {
    topic = "kafka-test-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @AfterEach
  void closeBrokers() {
    opened.forEach(KafkaBroker::close);
  }

  private KafkaBroker open(KafkaBroker.Builder b) {
    KafkaBroker broker = b.build();
    opened.add(broker);
    broker.connect();
    return broker;
  }

  private KafkaBroker open() {
    return open(KafkaBrokerContractTest.client(kafka.bootstrap()));
  }

  // -------------------------------------------------------------------------------------- wire

  @Test
  void publishWritesGoMicrosJsonMessageWithMicroKeyAsTheRecordKey() throws Exception {
    KafkaBroker pub = open();
    Map<String, String> h = new LinkedHashMap<>();
    h.put(Event.ID, "id-1");
    h.put(Event.CONTENT_TYPE, "application/json");
    h.put(Event.KEY, "order-7");
    pub.publish(topic, Event.of(h, "{\"id\":1}".getBytes(StandardCharsets.UTF_8)));

    ConsumerRecord<byte[], byte[]> r = readRaw(topic).get(0);
    assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("order-7");
    assertThat(r.headers().toArray()).isEmpty();
    JsonNode json = new ObjectMapper().readTree(r.value());
    assertThat(json.get("Header").get(Event.ID).asText()).isEqualTo("id-1");
    assertThat(json.get("Header").get(Event.KEY).asText()).isEqualTo("order-7");
    assertThat(Base64.getDecoder().decode(json.get("Body").asText())).asString().isEqualTo("{\"id\":1}");
  }

  @Test
  void recordAsGoMicroWritesItIsDeliveredWithItsHeadersAndBody() throws Exception {
    KafkaBroker sub = open();
    List<Event> got = new CopyOnWriteArrayList<>();
    sub.subscribe(topic, d -> got.add(d.event()), SubscribeOptions.builder().queue("go-compat").build());
    // what github.com/go-micro/plugins/v4/broker/kafka sends: JSON value, no key, no record headers
    produceRaw(topic, "{\"Header\":{\"Content-Type\":\"application/json\",\"Micro-ID\":\"go-1\","
        + "\"Micro-Topic\":\"" + topic + "\"},\"Body\":\"eyJpZCI6MX0K\"}");
    eventually(() -> got.size() == 1);
    assertThat(got.get(0).id()).isEqualTo("go-1");
    assertThat(got.get(0).contentType()).isEqualTo("application/json");
    assertThat(got.get(0).body()).asString().isEqualTo("{\"id\":1}\n");
  }

  @Test
  void nativeEncodingUsesRecordHeadersAndTheRawBody() throws Exception {
    KafkaBroker broker = open(KafkaBrokerContractTest.client(kafka.bootstrap()).encoding(KafkaEncoding.NATIVE));
    List<Event> got = new CopyOnWriteArrayList<>();
    broker.subscribe(topic, d -> got.add(d.event()), SubscribeOptions.builder().queue("native").build());
    Event sent = Event.of(Map.of(Event.ID, "n-1", "X-Grüße", "✓"), new byte[] {0, 1, 2, (byte) 255});
    broker.publish(topic, sent);

    ConsumerRecord<byte[], byte[]> r = readRaw(topic).get(0);
    assertThat(r.value()).isEqualTo(sent.body());
    Map<String, String> headers = new LinkedHashMap<>();
    for (Header h : r.headers()) {
      headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
    }
    assertThat(headers).isEqualTo(sent.headers());
    eventually(() -> got.size() == 1);
    assertThat(got.get(0)).isEqualTo(sent);
  }

  @Test
  void undecodableRecordIsCountedCommittedAndSkipped() throws Exception {
    KafkaBroker sub = open(KafkaBrokerContractTest.client(kafka.bootstrap()).partitions(1));
    List<Event> got = new CopyOnWriteArrayList<>();
    String group = "undecodable-" + topic;
    sub.subscribe(topic, d -> got.add(d.event()), SubscribeOptions.builder().queue(group).build());
    produceRaw(topic, "this is not a go-micro message");
    open().publish(topic, Event.of(Map.of(Event.ID, "good"), new byte[0]));

    eventually(() -> got.size() == 1);
    assertThat(got.get(0).id()).isEqualTo("good");
    assertThat(sub.undecodable()).isEqualTo(1);
    eventually(() -> committed(group, topic, 0) == 2);
  }

  // ----------------------------------------------------------------------------------- offsets

  @Test
  void offsetIsCommittedOnlyAfterTheHandlerReturned() throws Exception {
    KafkaBroker sub = open(KafkaBrokerContractTest.client(kafka.bootstrap()).partitions(1));
    String group = "slow-" + topic;
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    sub.subscribe(topic, d -> {
      entered.countDown();
      release.await();
    }, SubscribeOptions.builder().queue(group).build());
    open().publish(topic, Event.of(Map.of(Event.ID, "slow"), new byte[0]));

    assertThat(entered.await(20, TimeUnit.SECONDS)).isTrue();
    Thread.sleep(500); // several poll loops, each of which would commit what is done
    assertThat(committed(group, topic, 0)).as("committed while the handler runs").isEqualTo(-1);
    release.countDown();
    eventually(() -> committed(group, topic, 0) == 1);
  }

  @Test
  void offsetIsNotCommittedWhileTheHandlerThrowsAndTheNextMemberGetsTheEvent() throws Exception {
    String group = "failing-" + topic;
    SubscribeOptions opts = SubscribeOptions.builder().queue(group).maxRedeliveries(1000).build();
    KafkaBroker failing = open(KafkaBrokerContractTest.client(kafka.bootstrap()).partitions(1));
    AtomicInteger attempts = new AtomicInteger();
    List<Integer> attemptNumbers = new CopyOnWriteArrayList<>();
    failing.subscribe(topic, d -> {
      attemptNumbers.add(d.attempt());
      attempts.incrementAndGet();
      throw new IllegalStateException("always fails");
    }, opts);
    open().publish(topic, Event.of(Map.of(Event.ID, "doomed"), new byte[0]));

    eventually(() -> attempts.get() >= 4);
    assertThat(attemptNumbers.subList(0, 4)).containsExactly(1, 2, 3, 4);
    assertThat(committed(group, topic, 0)).as("committed offset while failing").isEqualTo(-1);
    failing.close();
    assertThat(committed(group, topic, 0)).as("committed offset after leaving").isEqualTo(-1);

    List<Delivery> got = new CopyOnWriteArrayList<>();
    open().subscribe(topic, got::add, opts);
    eventually(() -> got.size() == 1);
    assertThat(got.get(0).event().id()).isEqualTo("doomed");
    eventually(() -> committed(group, topic, 0) == 1);
  }

  // ---------------------------------------------------------------------------------- rebalance

  @Test
  void groupRebalancesWhenAMemberLeavesAndTheOtherGetsAllPartitions() throws Exception {
    String group = "rebalance-" + topic;
    SubscribeOptions opts = SubscribeOptions.builder().queue(group).build();
    KafkaBroker pub = open();
    KafkaBroker leaving = open();
    KafkaBroker staying = open();
    Map<String, Set<Integer>> partitionsSeen = new ConcurrentHashMap<>();
    List<String> stayed = new CopyOnWriteArrayList<>();
    leaving.subscribe(topic, d -> partitionsSeen.computeIfAbsent("leaving", k -> ConcurrentHashMap.newKeySet())
        .add(partitionOf(d)), opts);
    staying.subscribe(topic, d -> {
      partitionsSeen.computeIfAbsent("staying", k -> ConcurrentHashMap.newKeySet()).add(partitionOf(d));
      stayed.add(d.event().id());
    }, opts);
    // both members own partitions once each has handled an event
    AtomicInteger n = new AtomicInteger();
    eventually(() -> {
      pub.publish(topic, keyed("warm-" + n.incrementAndGet()));
      return partitionsSeen.containsKey("leaving") && partitionsSeen.containsKey("staying");
    });

    leaving.close();
    Set<String> after = new HashSet<>();
    for (int i = 0; i < 60; i++) {
      Event e = keyed("after-" + i);
      after.add(e.id());
      pub.publish(topic, e);
    }
    eventually(() -> stayed.containsAll(after));
    assertThat(partitionsSeen.get("staying")).as("partitions the staying member handled").containsExactlyInAnyOrder(0, 1, 2);
    assertThat(stayed.stream().filter(after::contains).count()).as("each event once").isEqualTo(60);
  }

  @Test
  void memberOfferingOnlyTheRangeAssignorAsGoMicroDoesSharesTheQueueGroup() throws Exception {
    String group = "mixed-" + topic;
    KafkaBroker pub = open();
    Set<String> ours = ConcurrentHashMap.newKeySet();
    open().subscribe(topic, d -> ours.add(d.event().id()), SubscribeOptions.builder().queue(group).build());
    Set<String> theirs = ConcurrentHashMap.newKeySet();
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrap());
    p.put("group.id", group);
    p.put("partition.assignment.strategy", "org.apache.kafka.clients.consumer.RangeAssignor"); // sarama's default
    p.put("auto.offset.reset", "earliest");
    p.put("key.deserializer", ByteArrayDeserializer.class.getName());
    p.put("value.deserializer", ByteArrayDeserializer.class.getName());
    try (KafkaConsumer<byte[], byte[]> go = new KafkaConsumer<>(p)) {
      go.subscribe(List.of(topic));
      AtomicInteger n = new AtomicInteger();
      eventually(() -> {
        pub.publish(topic, keyed("mixed-" + n.incrementAndGet()));
        for (ConsumerRecord<byte[], byte[]> r : go.poll(Duration.ofMillis(100))) {
          theirs.add(KafkaEncoding.GO_MICRO.decode(r).id());
        }
        return !theirs.isEmpty() && !ours.isEmpty() && ours.size() + theirs.size() >= n.get();
      }, () -> "ours " + ours.size() + ", theirs " + theirs.size() + ", published " + n.get()
          + ", their assignment " + go.assignment());
      assertThat(go.assignment()).isNotEmpty();
    }
  }

  // ------------------------------------------------------------------------------ back-pressure

  @Test
  void subscriptionPausesAtMaxPendingAndResumesAsEventsAreAcknowledged() throws Exception {
    KafkaBroker sub = open(KafkaBrokerContractTest.client(kafka.bootstrap()).partitions(1).maxPending(10)
        .consumerProperty("max.poll.records", "5"));
    List<Delivery> held = new CopyOnWriteArrayList<>();
    Set<String> seen = ConcurrentHashMap.newKeySet();
    sub.subscribe(topic, d -> {
      held.add(d);
      seen.add(d.event().id());
    }, SubscribeOptions.builder().queue("pressure-" + topic).autoAck(false).build());
    KafkaBroker pub = open();
    List<CompletableFuture<Void>> sent = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      sent.add(pub.publishAsync(topic, Event.of(Map.of(Event.ID, "p-" + i), new byte[0])));
    }
    CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

    eventually(() -> held.size() >= 10);
    Thread.sleep(1000); // a subscription that did not pause would hand out all 100 meanwhile
    assertThat(held.size()).as("handed out unacknowledged (maxPending 10 + one poll of 5)").isLessThan(15);

    eventually(() -> {
      for (Delivery d : held) {
        d.ack();
      }
      return seen.size() == 100;
    });
  }

  // ---------------------------------------------------------------------------------- publishing

  @Test
  void publishAsyncCompletesOnceTheClusterHasTheEvents() throws Exception {
    KafkaBroker pub = open();
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      futures.add(pub.publishAsync(topic, Event.of(Map.of(Event.ID, "a-" + i), new byte[] {(byte) i})));
    }
    // longer than the publish timeout (30 s): a cluster that does not confirm fails the futures with
    // the broker's 503 naming the cause, rather than this wait ending first with a bare timeout
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    // a new queue group starts at the earliest event: everything confirmed is there
    Set<String> got = ConcurrentHashMap.newKeySet();
    open().subscribe(topic, d -> got.add(d.event().id()), SubscribeOptions.builder().queue("late").build());
    eventually(() -> got.size() == 200);
  }

  @Test
  void eventTheClusterRefusesAsTooLargeFailsWith413() {
    KafkaBroker pub = open(KafkaBrokerContractTest.client(kafka.bootstrap()).maxMessageSize(16 * 1024 * 1024));
    byte[] body = new byte[9 * 1024 * 1024]; // the test cluster's message.max.bytes is 8 MiB
    assertThatThrownBy(() -> pub.publish(topic, Event.of(Map.of(), body)))
        .isInstanceOfSatisfying(MicroException.class, e -> assertThat(e.code()).isEqualTo(413))
        .hasMessageContaining(topic);
  }

  @Test
  void publishFailsLoudlyWhenTheClusterIsGone() throws Exception {
    try (LoopbackKafka doomed = LoopbackKafka.start()) {
      KafkaBroker pub = open(KafkaBroker.builder().addresses(doomed.bootstrap())
          .publishTimeout(Duration.ofSeconds(3)).closeTimeout(Duration.ofSeconds(1)));
      pub.publish(topic, Event.of(Map.of(), new byte[1]));
      doomed.stop();
      assertThatThrownBy(() -> pub.publish(topic, Event.of(Map.of(), new byte[1])))
          .isInstanceOfSatisfying(MicroException.class, e -> assertThat(e.code()).isEqualTo(503))
          .hasMessageContaining("broker kafka").hasMessageContaining(topic);
      CompletableFuture<Void> f = pub.publishAsync(topic, Event.of(Map.of(), new byte[1]));
      assertThatThrownBy(() -> f.get(20, TimeUnit.SECONDS)).hasCauseInstanceOf(MicroException.class);
    }
  }

  // ------------------------------------------------------------------------------------- helpers

  private static Event keyed(String id) {
    return Event.of(Map.of(Event.ID, id, Event.KEY, id), new byte[0]);
  }

  private int partitionOf(Delivery d) {
    return ((KafkaDelivery) d).partition();
  }

  private static List<ConsumerRecord<byte[], byte[]>> readRaw(String topic) {
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrap());
    p.put("key.deserializer", ByteArrayDeserializer.class.getName());
    p.put("value.deserializer", ByteArrayDeserializer.class.getName());
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      List<TopicPartition> tps = c.partitionsFor(topic).stream()
          .map(i -> new TopicPartition(topic, i.partition())).toList();
      c.assign(tps);
      c.seekToBeginning(tps);
      List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (out.isEmpty() && System.nanoTime() < end) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      assertThat(out).as("records on " + topic).isNotEmpty();
      return out;
    }
  }

  private static void produceRaw(String topic, String value) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrap());
    p.put("key.serializer", ByteArraySerializer.class.getName());
    p.put("value.serializer", ByteArraySerializer.class.getName());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      producer.send(new ProducerRecord<>(topic, value.getBytes(StandardCharsets.UTF_8))).get(20, TimeUnit.SECONDS);
    }
  }

  /** The group's committed offset of partition {@code p}, -1 when none. */
  private static long committed(String group, String topic, int p) {
    try {
      Map<TopicPartition, OffsetAndMetadata> m = admin.listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
      OffsetAndMetadata om = m.get(new TopicPartition(topic, p));
      return om == null ? -1 : om.offset();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static void eventually(BooleanSupplier condition) throws InterruptedException {
    eventually(condition, () -> "");
  }

  private static void eventually(BooleanSupplier condition, java.util.function.Supplier<String> state)
      throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("condition not met within 30 s " + state.get());
      }
      Thread.sleep(20);
    }
  }
}
