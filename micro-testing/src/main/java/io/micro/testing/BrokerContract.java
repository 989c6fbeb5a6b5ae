package io.micro.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micro.broker.Broker;
import io.micro.broker.Delivery;
import io.micro.broker.Event;
import io.micro.broker.EventHandler;
import io.micro.broker.SubscribeOptions;
import io.micro.broker.Subscription;
import io.micro.errors.MicroException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link Broker} must show, run against its real backend. A plugin's test
 * extends this class and supplies {@link #newBroker()} (a new client of the shared backend each
 * time: the kit uses several to stand for several processes), and overrides the hooks that fit.
 *
 * <pre>{@code
 * class NatsBrokerContractTest extends BrokerContract {
 *   static ExternalServer nats;   // started in @BeforeAll
 *   protected Broker newBroker() { return NatsBroker.builder().addresses(nats.address()).build(); }
 *   protected boolean durable() { return false; }
 * }
 * }</pre>
 *
 * <p>What is checked: headers and binary bodies arrive unchanged; every plain subscriber sees every
 * event; a queue group splits events so that each is handled once by one member, and two groups
 * each get everything; unsubscribe stops delivery; payloads up to {@link #maxPayloadSize()} arrive
 * whole; a closed broker refuses to publish. For {@link #durable()} backends: a throwing handler
 * and a nack get the event again (with a higher {@link Delivery#attempt()}), exhausted
 * redeliveries go to the dead-letter topic, and 10 000 events survive a subscriber killed
 * mid-stream. {@link #ordered()}: events with one {@link Event#KEY} keep their order.
 * {@link #restartBackend()}: subscriptions survive a backend restart.
 *
 * <p>Topics and groups are unique to each test, so the backend need not be emptied. Because
 * subscriptions take effect asynchronously on some backends, each test first publishes probe events
 * (header {@code Contract-Probe}) until every subscriber (or every group) has seen one, and the
 * probes are then ignored. No test asserts timing; waits are bounded by {@link #settle()}.
 */
public abstract class BrokerContract {
  /** Header marking warm-up events, ignored by the kit's collectors. */
  protected static final String PROBE = "Contract-Probe";
  /** Header carrying the sequence number of each event the kit publishes. */
  protected static final String SEQ = "Contract-Seq";

  private final List<Broker> opened = new ArrayList<>();
  /** A prefix unique to the running test, for topics and queue groups. */
  protected String prefix;

  /** A new client of the backend under test, not connected; the kit connects and closes it. */
  protected abstract Broker newBroker();

  /** True when the backend redelivers failed and unacknowledged events; default false. */
  protected boolean durable() {
    return false;
  }

  /** True when one subscriber gets events with the same {@link Event#KEY} in publish order. */
  protected boolean ordered() {
    return false;
  }

  /** The largest body the backend carries; default 1 MiB. */
  protected int maxPayloadSize() {
    return 1024 * 1024;
  }

  /** How long the backend may take to deliver or to make a subscription effective; default 10 s. */
  protected Duration settle() {
    return Duration.ofSeconds(10);
  }

  /** Restarts the backend; the default skips the test that needs it. */
  protected void restartBackend() {
    Assumptions.abort("this backend cannot be restarted by the test");
  }

  /** A broker whose backend cannot be reached; the default skips the test that needs it. */
  protected Broker unreachableBroker() {
    Assumptions.abort("no unreachable configuration for this broker");
    throw new AssertionError("unreachable");
  }

  /** Opens and connects a broker through {@link #newBroker()}; closed after the test. */
  protected final Broker open() {
    Broker b = newBroker();
    opened.add(b);
    b.connect();
    return b;
  }

  @BeforeEach
  void uniquePrefix() {
    prefix = "contract-" + UUID.randomUUID().toString().substring(0, 8) + ".";
  }

  @AfterEach
  void closeBrokers() {
    for (Broker b : opened) {
      try {
        b.close();
      } catch (RuntimeException ignored) {
        // a broker that fails to close must not hide the test's own failure
      }
    }
    opened.clear();
  }

  // ---------------------------------------------------------------------------------------- tests

  @Test
  void headersAndBinaryBodiesArriveUnchanged() {
    Broker pub = open();
    Broker sub = open();
    String topic = prefix + "binary";
    Collector got = new Collector();
    sub.subscribe(topic, got.handler("s"));
    awaitReady(pub, topic, got);

    byte[] body = new byte[256];
    for (int i = 0; i < body.length; i++) {
      body[i] = (byte) i;
    }
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(Event.CONTENT_TYPE, "application/octet-stream");
    headers.put(Event.ID, UUID.randomUUID().toString());
    headers.put(Event.TOPIC, topic);
    headers.put("X-Custom", "a value, with spaces; and = signs");
    headers.put("Unicode", "Grüße ✓");
    pub.publish(topic, Event.of(headers, body));

    eventually(() -> got.count() == 1);
    Collector.Received r = got.all().get(0);
    assertThat(r.topic()).isEqualTo(topic);
    assertThat(r.event().headers()).containsAllEntriesOf(headers);
    assertThat(r.event().body()).isEqualTo(body);
    assertThat(r.event().id()).isEqualTo(headers.get(Event.ID));
    assertThat(r.attempt()).isEqualTo(1);
  }

  @Test
  void emptyBodyArrivesEmpty() {
    Broker pub = open();
    String topic = prefix + "empty";
    Collector got = new Collector();
    open().subscribe(topic, got.handler("s"));
    awaitReady(pub, topic, got);
    pub.publish(topic, Event.of(Map.of(Event.ID, "e-1"), new byte[0]));
    eventually(() -> got.count() == 1);
    assertThat(got.all().get(0).event().body()).isEmpty();
  }

  @Test
  void everyPlainSubscriberSeesEveryEvent() {
    Broker pub = open();
    Broker a = open();
    Broker b = open();
    String topic = prefix + "fanout";
    Collector one = new Collector();
    Collector two = new Collector();
    Collector three = new Collector();
    a.subscribe(topic, one.handler("a1"));
    a.subscribe(topic, two.handler("a2"));
    b.subscribe(topic, three.handler("b1"));
    awaitReady(pub, topic, one, two, three);

    Set<String> sent = publishNumbered(pub, topic, 50);
    eventually(() -> one.ids().size() == 50 && two.ids().size() == 50 && three.ids().size() == 50);
    assertThat(one.ids()).isEqualTo(sent);
    assertThat(two.ids()).isEqualTo(sent);
    assertThat(three.ids()).isEqualTo(sent);
  }

  @Test
  void queueGroupSplitsEventsSoEachIsHandledOnceByOneMember() {
    Broker pub = open();
    String topic = prefix + "group";
    SubscribeOptions workers = SubscribeOptions.builder().queue(prefix + "workers").build();
    Collector group = new Collector();
    Collector plain = new Collector();
    open().subscribe(topic, group.handler("m1"), workers);
    open().subscribe(topic, group.handler("m2"), workers);
    open().subscribe(topic, group.handler("m3"), workers);
    open().subscribe(topic, plain.handler("plain"));
    awaitReady(pub, topic, group, plain);
    group.clear();

    Set<String> sent = publishNumbered(pub, topic, 200);
    eventually(() -> group.ids().size() == 200 && plain.ids().size() == 200);
    settleQuietly();
    assertThat(group.ids()).isEqualTo(sent);
    assertThat(group.count()).as("deliveries to the group (each event once)").isEqualTo(200);
    assertThat(plain.ids()).isEqualTo(sent);
  }

  @Test
  void twoQueueGroupsEachGetEveryEvent() {
    Broker pub = open();
    String topic = prefix + "groups";
    Collector red = new Collector();
    Collector blue = new Collector();
    SubscribeOptions r = SubscribeOptions.builder().queue(prefix + "red").build();
    SubscribeOptions b = SubscribeOptions.builder().queue(prefix + "blue").build();
    open().subscribe(topic, red.handler("r1"), r);
    open().subscribe(topic, red.handler("r2"), r);
    open().subscribe(topic, blue.handler("b1"), b);
    awaitReady(pub, topic, red, blue);
    red.clear();
    blue.clear();

    Set<String> sent = publishNumbered(pub, topic, 60);
    eventually(() -> red.ids().size() == 60 && blue.ids().size() == 60);
    settleQuietly();
    assertThat(red.ids()).isEqualTo(sent);
    assertThat(blue.ids()).isEqualTo(sent);
    assertThat(red.count()).isEqualTo(60);
    assertThat(blue.count()).isEqualTo(60);
  }

  @Test
  void unsubscribeStopsDelivery() {
    Broker pub = open();
    Broker sub = open();
    String topic = prefix + "unsub";
    Collector leaving = new Collector();
    Collector staying = new Collector();
    Subscription s = sub.subscribe(topic, leaving.handler("leaving"));
    sub.subscribe(topic, staying.handler("staying"));
    awaitReady(pub, topic, leaving, staying);

    s.unsubscribe();
    int before = leaving.count();
    Set<String> sent = publishNumbered(pub, topic, 20);
    eventually(() -> staying.ids().containsAll(sent));
    settleQuietly();
    assertThat(leaving.count()).as("events after unsubscribe").isEqualTo(before);
    s.unsubscribe(); // idempotent
  }

  @Test
  void payloadUpToTheSizeLimitArrivesWhole() {
    Broker pub = open();
    String topic = prefix + "large";
    Collector got = new Collector();
    open().subscribe(topic, got.handler("s"));
    awaitReady(pub, topic, got);
    byte[] body = new byte[maxPayloadSize()];
    ThreadLocalRandom.current().nextBytes(body);
    pub.publish(topic, Event.of(Map.of(Event.ID, "large-1"), body));
    eventually(() -> got.count() == 1);
    assertThat(got.all().get(0).event().body()).isEqualTo(body);
  }

  @Test
  void closedBrokerRefusesToPublishAndSubscribe() {
    Broker b = open();
    b.close();
    b.close(); // idempotent
    assertThatThrownBy(() -> b.publish(prefix + "closed", Event.of(Map.of(), new byte[1])))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> b.subscribe(prefix + "closed", d -> { }))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void unreachableBackendFailsConnectNamingTheBroker() {
    Broker b = unreachableBroker();
    opened.add(b);
    assertThatThrownBy(b::connect)
        .isInstanceOf(MicroException.class)
        .hasMessageContaining(b.name());
  }

  @Test
  void throwingHandlerGetsTheEventAgain() {
    requireDurable();
    Broker pub = open();
    String topic = prefix + "retry";
    SubscribeOptions opts = SubscribeOptions.builder().queue(prefix + "retriers").build();
    Collector got = new Collector();
    EventHandler failFirst = d -> {
      got.record("s", d);
      if (!isProbe(d) && d.attempt() == 1) {
        throw new IllegalStateException("first attempt fails on purpose");
      }
    };
    open().subscribe(topic, failFirst, opts);
    awaitReady(pub, topic, got);
    got.clear();

    pub.publish(topic, numbered(topic, 1));
    eventually(() -> got.count() >= 2);
    List<Collector.Received> all = got.all();
    assertThat(all).extracting(x -> x.event().header(SEQ)).containsOnly("1");
    assertThat(all.get(0).attempt()).isEqualTo(1);
    assertThat(all.get(1).attempt()).isGreaterThanOrEqualTo(2);
    settleQuietly();
    assertThat(got.count()).as("deliveries once the handler succeeded").isEqualTo(2);
  }

  @Test
  void nackedEventIsRedeliveredAndAckedEventIsNot() {
    requireDurable();
    Broker pub = open();
    String topic = prefix + "manual";
    SubscribeOptions opts = SubscribeOptions.builder().queue(prefix + "manual").autoAck(false).build();
    Collector got = new Collector();
    EventHandler nackFirst = d -> {
      got.record("s", d);
      if (!isProbe(d) && d.attempt() == 1) {
        d.nack();
      } else {
        d.ack();
      }
    };
    open().subscribe(topic, nackFirst, opts);
    awaitReady(pub, topic, got);
    got.clear();

    pub.publish(topic, numbered(topic, 7));
    eventually(() -> got.count() >= 2);
    settleQuietly();
    assertThat(got.count()).isEqualTo(2);
    assertThat(got.all().get(1).attempt()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void eventLeftUnacknowledgedByAClosedSubscriberGoesToAnotherMember() {
    requireDurable();
    Broker pub = open();
    Broker first = open();
    String topic = prefix + "pending";
    SubscribeOptions opts = SubscribeOptions.builder().queue(prefix + "pending").autoAck(false).build();
    Collector probes = new Collector();
    Collector got = new Collector();
    AtomicBoolean holding = new AtomicBoolean();
    Subscription held = first.subscribe(topic, d -> {
      if (isProbe(d)) {
        probes.record("first", d);
        d.ack();
      } else {
        got.record("first", d);
        holding.set(true); // never acknowledged
      }
    }, opts);
    awaitReady(pub, topic, probes);
    pub.publish(topic, numbered(topic, 1));
    eventually(holding::get);
    held.unsubscribe();

    open().subscribe(topic, d -> {
      got.record("second", d);
      d.ack();
    }, opts);
    eventually(() -> got.all().stream().anyMatch(r -> r.member().equals("second") && !isProbe(r)));
  }

  @Test
  void exhaustedRedeliveriesGoToTheDeadLetterTopic() {
    requireDurable();
    Broker pub = open();
    String topic = prefix + "poison";
    String dlt = prefix + "poison.dead";
    Collector dead = new Collector();
    open().subscribe(dlt, dead.handler("dead"), SubscribeOptions.builder().queue(prefix + "dead").build());
    awaitReady(pub, dlt, dead);
    dead.clear();

    SubscribeOptions opts = SubscribeOptions.builder().queue(prefix + "poison")
        .maxRedeliveries(2).deadLetterTopic(dlt).build();
    Collector tries = new Collector();
    open().subscribe(topic, d -> {
      tries.record("s", d);
      if (!isProbe(d)) {
        throw new IllegalArgumentException("poison");
      }
    }, opts);
    awaitReady(pub, topic, tries);
    tries.clear();

    pub.publish(topic, numbered(topic, 1));
    eventually(() -> dead.count() >= 1);
    Event e = dead.all().get(0).event();
    assertThat(e.header(SEQ)).isEqualTo("1");
    assertThat(e.header(SubscribeOptions.DEAD_LETTER_TOPIC)).isEqualTo(topic);
    assertThat(e.header(SubscribeOptions.DEAD_LETTER_ERROR)).contains("poison");
    assertThat(tries.count()).as("first delivery plus 2 redeliveries").isEqualTo(3);
  }

  @Test
  void tenThousandEventsSurviveASubscriberKilledMidStream() {
    requireDurable();
    int total = 10_000;
    Broker pub = open();
    Broker doomed = open();
    String topic = prefix + "survive";
    // redeliveries are not what is tested here: let an event bounce off the dying member freely
    SubscribeOptions opts = SubscribeOptions.builder().queue(prefix + "survivors")
        .maxRedeliveries(1000).build();
    Collector done = new Collector();
    AtomicInteger handledByDoomed = new AtomicInteger();
    AtomicBoolean killed = new AtomicBoolean();
    doomed.subscribe(topic, d -> {
      if (killed.get()) {
        throw new IllegalStateException("killed");
      }
      if (!isProbe(d) && handledByDoomed.incrementAndGet() == total / 10) {
        killed.set(true);
        Thread t = new Thread(doomed::close, "contract-kill");
        t.setDaemon(true);
        t.start();
        throw new IllegalStateException("killed mid-stream");
      }
      done.record("doomed", d);
    }, opts);
    open().subscribe(topic, done.handler("survivor"), opts);
    awaitReady(pub, topic, done);

    for (int i = 0; i < total; i++) {
      pub.publish(topic, numbered(topic, i));
    }
    eventually(() -> done.ids().size() == total, settle().multipliedBy(6));
    assertThat(done.ids()).hasSize(total);
    assertThat(killed).isTrue();
  }

  @Test
  void eventsWithOneKeyKeepTheirOrder() {
    if (!ordered()) {
      Assumptions.abort("this broker does not promise order");
    }
    Broker pub = open();
    String topic = prefix + "ordered";
    Collector got = new Collector();
    open().subscribe(topic, got.handler("s"), SubscribeOptions.builder().queue(prefix + "ordered").build());
    awaitReady(pub, topic, got);
    got.clear();

    int keys = 4;
    int perKey = 100;
    for (int i = 0; i < perKey; i++) {
      for (int k = 0; k < keys; k++) {
        Map<String, String> h = Map.of(Event.ID, UUID.randomUUID().toString(), Event.KEY, "key-" + k,
            SEQ, Integer.toString(i));
        pub.publish(topic, Event.of(h, ("" + i).getBytes()));
      }
    }
    eventually(() -> got.count() >= keys * perKey);
    Map<String, List<Integer>> byKey = got.all().stream().collect(Collectors.groupingBy(
        r -> r.event().header(Event.KEY), LinkedHashMap::new,
        Collectors.mapping(r -> Integer.parseInt(r.event().header(SEQ)), Collectors.toList())));
    List<Integer> expected = IntStream.range(0, perKey).boxed().toList();
    for (int k = 0; k < keys; k++) {
      assertThat(byKey.get("key-" + k)).as("order of key-" + k).isEqualTo(expected);
    }
  }

  @Test
  void subscriptionsSurviveABackendRestart() {
    Broker pub = open();
    String topic = prefix + "restart";
    Collector got = new Collector();
    open().subscribe(topic, got.handler("s"));
    awaitReady(pub, topic, got);

    restartBackend();
    // publish until an event sent after the restart arrives; failures while down must be loud
    AtomicInteger seq = new AtomicInteger();
    eventually(() -> {
      try {
        pub.publish(topic, numbered(topic, seq.incrementAndGet()));
      } catch (RuntimeException stillDown) {
        return false;
      }
      sleep(200);
      return got.count() > 0;
    }, settle().multipliedBy(4));
  }

  // -------------------------------------------------------------------------------------- helpers

  /** Skips the test unless {@link #durable()}. */
  protected final void requireDurable() {
    if (!durable()) {
      Assumptions.abort("not a durable broker");
    }
  }

  /** An event carrying {@code Contract-Seq: seq} and a fresh {@code Micro-ID}. */
  protected static Event numbered(String topic, int seq) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put(Event.ID, UUID.randomUUID().toString());
    h.put(Event.TOPIC, topic);
    h.put(Event.CONTENT_TYPE, "text/plain");
    h.put(SEQ, Integer.toString(seq));
    return Event.of(h, ("event " + seq).getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** Publishes events 0..n-1 and returns their sequence numbers as strings. */
  protected static Set<String> publishNumbered(Broker pub, String topic, int n) {
    Set<String> sent = new HashSet<>();
    for (int i = 0; i < n; i++) {
      pub.publish(topic, numbered(topic, i));
      sent.add(Integer.toString(i));
    }
    return sent;
  }

  /**
   * Publishes probe events on {@code topic} until every collector has seen one, so that the
   * subscriptions are known to be effective.
   */
  protected final void awaitReady(Broker pub, String topic, Collector... collectors) {
    eventually(() -> {
      pub.publish(topic, Event.of(Map.of(PROBE, "1", Event.ID, UUID.randomUUID().toString()), new byte[0]));
      for (int i = 0; i < 20; i++) {
        boolean all = true;
        for (Collector c : collectors) {
          all &= c.sawProbe();
        }
        if (all) {
          return true;
        }
        sleep(10);
      }
      return false;
    });
  }

  /** Waits a little so that duplicates or late deliveries, if any, would show. */
  protected final void settleQuietly() {
    sleep(Math.min(1000, settle().toMillis() / 10));
  }

  /** Polls {@code condition} until it holds or {@link #settle()} passed. */
  protected final void eventually(BooleanSupplier condition) {
    eventually(condition, settle());
  }

  /** Polls {@code condition} until it holds or {@code bound} passed, then fails. */
  protected static void eventually(BooleanSupplier condition, Duration bound) {
    long end = System.nanoTime() + bound.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("condition not met within " + bound);
      }
      sleep(20);
    }
  }

  static boolean isProbe(Delivery d) {
    return d.event().header(PROBE) != null;
  }

  static boolean isProbe(Collector.Received r) {
    return r.event().header(PROBE) != null;
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Thread-safe record of what one subscriber (or one queue group) received, probes apart. */
  protected static final class Collector {
    /** One delivery. */
    public record Received(String member, String topic, Event event, int attempt) {}

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Set<String> probeSeen = ConcurrentHashMap.newKeySet();

    /** A handler recording into this collector as {@code member}. */
    public EventHandler handler(String member) {
      return d -> record(member, d);
    }

    /** Records a delivery (probes only mark the collector ready). */
    public void record(String member, Delivery d) {
      if (isProbe(d)) {
        probeSeen.add(member);
      } else {
        received.add(new Received(member, d.topic(), d.event(), d.attempt()));
      }
    }

    boolean sawProbe() {
      return !probeSeen.isEmpty();
    }

    /** Every delivery so far, in arrival order. */
    public List<Received> all() {
      return List.copyOf(received);
    }

    /** The number of deliveries so far. */
    public int count() {
      return received.size();
    }

    /** The distinct {@code Contract-Seq} values received. */
    public Set<String> ids() {
      Set<String> ids = new HashSet<>();
      for (Received r : received) {
        String s = r.event().header(SEQ);
        if (s != null) {
          ids.add(s);
        }
      }
      return ids;
    }

    /** Forgets what was received (probes stay seen). */
    public void clear() {
      received.clear();
    }
  }
}
