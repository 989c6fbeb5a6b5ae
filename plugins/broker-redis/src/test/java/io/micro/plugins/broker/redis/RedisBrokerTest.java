package io.micro.plugins.broker.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.Consumer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.models.stream.PendingMessages;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.micro.broker.Broker;
import io.micro.broker.Delivery;
import io.micro.broker.Event;
import io.micro.broker.SubscribeOptions;
import io.micro.broker.Subscription;
import io.micro.broker.spi.BrokerProvider;
import io.micro.errors.MicroException;
import io.micro.testing.ExternalServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the Redis broker does on the wire and with Redis's own state, checked with a raw client. */
class RedisBrokerTest {
  private static ExternalServer redis;
  private static RedisClient rawClient;
  private static StatefulRedisConnection<String, String> rawConnection;
  private static RedisCommands<String, String> raw;

  private final List<AutoCloseable> closing = new ArrayList<>();
  private String topic;

  @BeforeAll
  static void startRedis() {
    redis = Redis.start();
    rawClient = Redis.raw(redis);
    rawConnection = rawClient.connect();
    raw = rawConnection.sync();
  }

  @AfterAll
  static void stopRedis() {
    if (rawClient != null) {
      rawConnection.close();
      rawClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
    if (redis != null) {
      redis.close();
    }
  }

  @BeforeEach
  void uniqueTopic() {
    topic = "redis-test-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  private RedisBroker broker() {
    RedisBroker b = Redis.broker(redis).build();
    closing.add(b);
    b.connect();
    return b;
  }

  @Test
  void publishSendsGoMicrosJsonMessageOnTheChannelAndIntoTheStream() throws Exception {
    // a queue group makes the stream exist; a raw subscriber listens on the channel
    raw.xgroupCreate(XReadArgs.StreamOffset.from("micro:stream:" + topic, "$"), "watchers",
        new XGroupCreateArgs().mkstream(true));
    BlockingQueue<String> heard = subscribeRaw(topic);

    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Micro-Topic", topic);
    headers.put("Content-Type", "text/plain");
    headers.put("Micro-ID", "id-1");
    headers.put("X-Html", "a<b&c>d é\u2028");
    broker().publish(topic, Event.of(headers, "hello".getBytes(StandardCharsets.UTF_8)));

    // what Go's json.Marshal(broker.Message{...}) gives: sorted keys, HTML-safe escapes, base64 body
    String expected = "{\"Header\":{\"Content-Type\":\"text/plain\",\"Micro-ID\":\"id-1\",\"Micro-Topic\":\""
        + topic + "\",\"X-Html\":\"a\\u003cb\\u0026c\\u003ed é\\u2028\"},\"Body\":\"aGVsbG8=\"}";
    assertThat(heard.poll(5, TimeUnit.SECONDS)).isEqualTo(expected);
    List<StreamMessage<String, String>> entries = raw.xrange("micro:stream:" + topic, io.lettuce.core.Range.unbounded());
    assertThat(entries).hasSize(1);
    assertThat(entries.get(0).getBody()).containsExactly(Map.entry("message", expected));
  }

  @Test
  void topicWithoutQueueGroupsKeepsNoStreamButADeadLetterIsKept() throws Exception {
    RedisBroker b = broker();
    b.publish(topic, Event.of(Map.of(Event.ID, "1"), new byte[] {1}));
    assertThat(raw.exists("micro:stream:" + topic)).as("stream of a topic nobody queues on").isZero();

    Event dead = Event.of(Map.of(Event.ID, "2", SubscribeOptions.DEAD_LETTER_TOPIC, "orders"), new byte[] {2});
    b.publish(topic + ".dead", dead);
    assertThat(raw.xlen("micro:stream:" + topic + ".dead")).isEqualTo(1);

    // the first group of a dead-letter stream gets what was kept
    BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
    b.subscribe(topic + ".dead", got::add, SubscribeOptions.builder().queue("ops").build());
    Delivery d = got.poll(10, TimeUnit.SECONDS);
    assertThat(d).isNotNull();
    assertThat(d.event().id()).isEqualTo("2");
  }

  @Test
  void goPublishersMessageReachesPlainAndQueueSubscribers() throws Exception {
    RedisBroker b = broker();
    BlockingQueue<Delivery> plain = new LinkedBlockingQueue<>();
    BlockingQueue<Delivery> queued = new LinkedBlockingQueue<>();
    b.subscribe(topic, plain::add);
    b.subscribe(topic, queued::add, SubscribeOptions.builder().queue("workers").build());

    // byte for byte what go-micro v4's Redis broker PUBLISHes for a client.Publish of {"id":1,"message":"Hello"}
    String go = "{\"Header\":{\"Content-Type\":\"application/json\",\"Micro-Id\":\"4b3f1ae3-7d1c-4d33-9e1b-0ff2c0e4a1e7\","
        + "\"Micro-Topic\":\"" + topic + "\",\"X-Note\":\"\\u003cb\\u003e \\u0026\"},"
        + "\"Body\":\"eyJpZCI6MSwibWVzc2FnZSI6IkhlbGxvIn0=\"}";
    assertThat(raw.publish(topic, go)).isEqualTo(1);
    // a Go program appending to our stream the same way (the message JSON in field "message")
    raw.xadd("micro:stream:" + topic, Map.of("message", go));

    for (BlockingQueue<Delivery> q : List.of(plain, queued)) {
      Delivery d = q.poll(10, TimeUnit.SECONDS);
      assertThat(d).isNotNull();
      assertThat(d.topic()).isEqualTo(topic);
      assertThat(d.event().id()).isEqualTo("4b3f1ae3-7d1c-4d33-9e1b-0ff2c0e4a1e7");
      assertThat(d.event().contentType()).isEqualTo("application/json");
      assertThat(d.event().header("X-Note")).isEqualTo("<b> &");
      assertThat(new String(d.event().body(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":1,\"message\":\"Hello\"}");
    }
  }

  @Test
  void crashedConsumersPendingEntriesAreClaimedByAnotherMember() throws Exception {
    String key = "micro:stream:" + topic;
    raw.xgroupCreate(XReadArgs.StreamOffset.from(key, "$"), "billing", new XGroupCreateArgs().mkstream(true));
    RedisBroker b = broker();
    for (int i = 0; i < 5; i++) {
      b.publish(topic, Event.of(Map.of(Event.ID, "e" + i), new byte[] {(byte) i}));
    }
    // a member reads them and dies without acknowledging
    List<StreamMessage<String, String>> taken = raw.xreadgroup(Consumer.from("billing", "crashed"),
        XReadArgs.Builder.count(10), XReadArgs.StreamOffset.lastConsumed(key));
    assertThat(taken).hasSize(5);

    List<Delivery> got = new CopyOnWriteArrayList<>();
    b.subscribe(topic, got::add, SubscribeOptions.builder().queue("billing").build());
    eventually(() -> got.size() == 5);
    assertThat(got).extracting(d -> d.event().id()).containsExactly("e0", "e1", "e2", "e3", "e4");
    assertThat(got).extracting(Delivery::attempt).containsOnly(2); // Redis's delivery count
    eventually(() -> raw.xpending(key, "billing").getCount() == 0);
  }

  @Test
  void undecodableEntryIsCountedAndAcknowledgedAndTheNextIsDelivered() throws Exception {
    String key = "micro:stream:" + topic;
    RedisBroker b = broker();
    BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
    b.subscribe(topic, got::add, SubscribeOptions.builder().queue("workers").build());
    raw.xadd(key, Map.of("message", "{not json"));
    raw.xadd(key, Map.of("other", "x"));
    b.publish(topic, Event.of(Map.of(Event.ID, "good"), new byte[0]));

    Delivery d = got.poll(10, TimeUnit.SECONDS);
    assertThat(d).isNotNull();
    assertThat(d.event().id()).isEqualTo("good");
    assertThat(b.undecodable()).isEqualTo(2);
    eventually(() -> raw.xpending(key, "workers").getCount() == 0);
  }

  @Test
  void acknowledgementWaitsForTheHandler() throws Exception {
    String key = "micro:stream:" + topic;
    RedisBroker b = broker();
    BlockingQueue<Delivery> held = new LinkedBlockingQueue<>();
    b.subscribe(topic, held::add, SubscribeOptions.builder().queue("manual").autoAck(false).build());
    b.publish(topic, Event.of(Map.of(Event.ID, "m1"), new byte[0]));
    Delivery d = held.poll(10, TimeUnit.SECONDS);
    assertThat(d).isNotNull();
    PendingMessages pending = raw.xpending(key, "manual");
    assertThat(pending.getCount()).as("pending while the handler holds it").isEqualTo(1);
    d.ack();
    eventually(() -> raw.xpending(key, "manual").getCount() == 0);
  }

  @Test
  void streamsAreTrimmedToAboutMaxLength() {
    String key = "micro:stream:" + topic;
    raw.xgroupCreate(XReadArgs.StreamOffset.from(key, "$"), "slow", new XGroupCreateArgs().mkstream(true));
    RedisBroker b = Redis.broker(redis).maxLength(100).build();
    closing.add(b);
    for (int i = 0; i < 1000; i++) {
      b.publishAsync(topic, Event.of(Map.of(Event.ID, "t" + i), new byte[0]));
    }
    b.publish(topic, Event.of(Map.of(Event.ID, "last"), new byte[0]));
    // "~" trims whole radix-tree nodes (100 entries by default), so a little over 100 remain
    assertThat(raw.xlen(key)).isBetween(100L, 300L);
  }

  @Test
  void unsubscribedMemberLeavesTheGroup() throws Exception {
    String key = "micro:stream:" + topic;
    RedisBroker b = broker();
    Subscription s = b.subscribe(topic, d -> { }, SubscribeOptions.builder().queue("leavers").build());
    assertThat(raw.xinfoConsumers(key, "leavers")).hasSize(1);
    s.unsubscribe();
    eventually(() -> raw.xinfoConsumers(key, "leavers").isEmpty());
  }

  @Test
  void publishFailsLoudlyWhileRedisIsDownAndWorksAgainAfter() throws Exception {
    ExternalServer own = Redis.start();
    try {
      RedisBroker b = Redis.broker(own).build();
      closing.add(b);
      BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
      b.subscribe(topic, got::add);
      own.stop();
      assertThatThrownBy(() -> b.publish(topic, Event.of(Map.of(Event.ID, "lost?"), new byte[0])))
          .isInstanceOf(MicroException.class)
          .hasMessageContaining("broker redis")
          .hasMessageContaining(topic)
          .hasMessageContaining(own.address())
          .satisfies(e -> assertThat(((MicroException) e).code()).isEqualTo(503));
      own.restart();
      eventually(() -> {
        try {
          b.publish(topic, Event.of(Map.of(Event.ID, "after"), new byte[0]));
          return got.poll(200, TimeUnit.MILLISECONDS) != null;
        } catch (MicroException | InterruptedException stillDown) {
          return false;
        }
      });
    } finally {
      own.close();
    }
  }

  @Test
  void providerIsFoundByNameAndRefusesSeveralAddresses() {
    BrokerProvider p = ServiceLoader.load(BrokerProvider.class).stream().map(ServiceLoader.Provider::get)
        .filter(x -> x.name().equals("redis")).findFirst().orElseThrow();
    Broker b = p.create(new BrokerProvider.Config(List.of(redis.address()), null, 1024));
    closing.add(b);
    assertThat(b.name()).isEqualTo("redis");
    assertThat(b.address()).isEqualTo(redis.address());
    assertThatThrownBy(() -> b.publish(topic, Event.of(Map.of(), new byte[1025])))
        .isInstanceOf(MicroException.class)
        .hasMessageContaining("1025 bytes (expected: <= 1024)");
    assertThatThrownBy(() -> p.create(BrokerProvider.Config.of("a:6379", "b:6379")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 addresses");
  }

  // ------------------------------------------------------------------------------------ helpers

  private BlockingQueue<String> subscribeRaw(String channel) {
    StatefulRedisPubSubConnection<String, String> c = rawClient.connectPubSub();
    closing.add(c::close);
    BlockingQueue<String> heard = new LinkedBlockingQueue<>();
    c.addListener(new RedisPubSubAdapter<>() {
      @Override
      public void message(String ch, String message) {
        heard.add(message);
      }
    });
    c.sync().subscribe(channel);
    return heard;
  }

  private static void eventually(BooleanSupplier condition) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("condition not met within 10 s");
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
