package io.micro.plugins.broker.redis;

import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.models.stream.ClaimedMessages;
import io.lettuce.core.models.stream.PendingMessage;
import io.micro.broker.Event;
import io.micro.broker.EventHandler;
import io.micro.broker.SubscribeOptions;
import io.micro.broker.Subscription;
import io.micro.broker.spi.BaseDelivery;
import io.micro.broker.spi.GoMicroMessage;
import io.micro.errors.MicroException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member of a queue group: a consumer (named uniquely per subscription) in the Redis consumer
 * group {@code queue} of the stream {@code <prefix><topic>}, read by a thread of its own on a
 * connection of its own (its {@code XREADGROUP ... BLOCK} would hold up any other command).
 *
 * <p>The loop: every {@code claimIdle/4} (at most 2 s) {@code XAUTOCLAIM} entries that have been
 * pending longer than {@code claimIdle} with any member (a dead one, or a failed delivery made
 * claimable early), fetch their delivery counts with {@code XPENDING}, and deliver them; otherwise
 * {@code XREADGROUP ... >} new entries and deliver them. Acknowledgements ({@code XACK}) and
 * hand-backs ({@code XCLAIM ... JUSTID}) go over the broker's shared connection, so a handler may
 * settle from any thread while the loop blocks.
 *
 * <p>A failed delivery stays pending; its idle time is set ({@code XCLAIM IDLE}) so that it becomes
 * claimable after {@code redeliveryDelay}. Unsubscribing hands entries fetched but not handled, and
 * handled but left unacknowledged, back at once (idle time set past any member's
 * {@code claimIdle}); then the consumer is deleted from the group if nothing is pending with it.
 */
final class StreamSubscription implements Subscription {
  private static final Logger LOG = LoggerFactory.getLogger(StreamSubscription.class);
  private static final byte[] FIELD = RedisBroker.FIELD.getBytes(StandardCharsets.US_ASCII);
  /** The idle time given to handed-back entries: claimable by every member at once. */
  private static final Duration HANDED_BACK = Duration.ofDays(1);

  private final RedisBroker broker;
  private final StatefulRedisConnection<byte[], byte[]> commands;
  private final RedisBroker.Settings settings;
  private final String topic;
  private final String streamKey;
  private final byte[] key;
  private final byte[] group;
  private final String consumerName;
  private final Consumer<byte[]> me;
  private final EventHandler handler;
  private final SubscribeOptions options;
  private final Map<String, Entry> inflight = new ConcurrentHashMap<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Object gate = new Object();
  private final long claimEveryNanos;
  private volatile boolean active = true;
  private volatile @Nullable StatefulRedisConnection<byte[], byte[]> reader;
  private @Nullable Thread thread;
  private String cursor = "0-0";

  StreamSubscription(RedisBroker broker, StatefulRedisConnection<byte[], byte[]> commands, String topic,
      EventHandler handler, SubscribeOptions options, String consumerName) {
    this.broker = broker;
    this.commands = commands;
    this.settings = broker.settings();
    this.topic = topic;
    this.streamKey = settings.prefix() + topic;
    this.key = settings.streamKey(topic);
    this.group = options.queue().getBytes(StandardCharsets.UTF_8);
    this.consumerName = consumerName;
    this.me = Consumer.from(group, consumerName.getBytes(StandardCharsets.UTF_8));
    this.handler = handler;
    this.options = options;
    long quarter = settings.claimIdle().toNanos() / 4;
    this.claimEveryNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(20), Math.min(quarter, TimeUnit.SECONDS.toNanos(2)));
  }

  /** Creates the group if needed, opens the reading connection and starts the loop. */
  void start(RedisClient client) {
    ensureGroup();
    commands.sync().xgroupCreateconsumer(key, me); // visible in XINFO CONSUMERS at once
    reader = client.connect(ByteArrayCodec.INSTANCE);
    Thread t = new Thread(this::run, "micro-redis-" + topic + "-" + options.queue());
    t.setDaemon(true);
    thread = t;
    t.start();
  }

  @Override
  public String topic() {
    return topic;
  }

  @Override
  public SubscribeOptions options() {
    return options;
  }

  @Override
  public void unsubscribe() {
    synchronized (gate) {
      if (!active) {
        return;
      }
      active = false;
    }
    releaseUnsettled();
    StatefulRedisConnection<byte[], byte[]> r = reader;
    if (r != null) {
      r.closeAsync(); // ends a blocked XREADGROUP
    }
    if (thread == null) {
      broker.removed(this);
      stopped.countDown();
    }
  }

  /** Waits until the loop has ended (or {@code deadline}, a {@link System#nanoTime()}). */
  void awaitStopped(long deadline) {
    if (Thread.currentThread() == thread) {
      return;
    }
    try {
      stopped.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ------------------------------------------------------------------------------------ the loop

  private void run() {
    long backoffMillis = 100;
    long nextClaim = System.nanoTime();
    boolean failing = false;
    try {
      while (active) {
        StatefulRedisConnection<byte[], byte[]> r = reader;
        if (r == null) {
          return;
        }
        try {
          if (System.nanoTime() - nextClaim >= 0) {
            reclaim(r);
            nextClaim = System.nanoTime() + claimEveryNanos;
          }
          List<StreamMessage<byte[], byte[]>> batch = r.sync().xreadgroup(me,
              XReadArgs.Builder.block(TimeUnit.NANOSECONDS.toMillis(claimEveryNanos)).count(settings.batchSize()),
              XReadArgs.StreamOffset.lastConsumed(key));
          if (failing) {
            LOG.info("broker redis: queue {} reads stream {} again", options.queue(), streamKey);
            failing = false;
          }
          backoffMillis = 100;
          if (batch != null) {
            handle(batch, null);
          }
        } catch (RedisCommandExecutionException e) {
          if (!active) {
            return;
          }
          if (String.valueOf(e.getMessage()).startsWith("NOGROUP")) {
            LOG.warn("broker redis: consumer group {} of stream {} is gone (Redis restarted without "
                + "persistence?); creating it again", options.queue(), streamKey);
            try {
              ensureGroup();
            } catch (RuntimeException again) {
              sleep(backoffMillis);
              backoffMillis = Math.min(backoffMillis * 2, 5000);
            }
          } else {
            LOG.warn("broker redis: reading stream {} for queue {} failed: {}", streamKey, options.queue(), e.getMessage());
            sleep(backoffMillis);
            backoffMillis = Math.min(backoffMillis * 2, 5000);
          }
        } catch (RuntimeException e) {
          if (!active) {
            return;
          }
          if (!failing) {
            LOG.warn("broker redis: queue {} cannot read stream {} on {} ({}); retrying with backoff",
                options.queue(), streamKey, broker.address(), e.toString());
            failing = true;
          }
          sleep(backoffMillis);
          backoffMillis = Math.min(backoffMillis * 2, 5000);
        }
      }
    } finally {
      finish();
    }
  }

  private void reclaim(StatefulRedisConnection<byte[], byte[]> r) {
    ClaimedMessages<byte[], byte[]> claimed = r.sync().xautoclaim(key, new XAutoClaimArgs<byte[]>()
        .consumer(me).minIdleTime(settings.claimIdle()).startId(cursor).count(settings.batchSize()));
    cursor = claimed.getId() == null ? "0-0" : claimed.getId();
    List<StreamMessage<byte[], byte[]>> messages = claimed.getMessages();
    if (messages == null || messages.isEmpty()) {
      return;
    }
    // XAUTOCLAIM does not say how often an entry was delivered; XPENDING does (pipelined)
    List<RedisFuture<List<PendingMessage>>> asks = new ArrayList<>(messages.size());
    for (StreamMessage<byte[], byte[]> m : messages) {
      asks.add(r.async().xpending(key, me, Range.create(m.getId(), m.getId()), Limit.from(1)));
    }
    Map<String, Long> counts = new HashMap<>();
    for (RedisFuture<List<PendingMessage>> ask : asks) {
      try {
        for (PendingMessage p : ask.get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
          counts.put(p.getId(), p.getRedeliveryCount());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new io.lettuce.core.RedisException("interrupted", e);
      } catch (Exception e) {
        throw new io.lettuce.core.RedisException("XPENDING: " + RedisBroker.unwrap(e), e);
      }
    }
    handle(messages, counts);
  }

  /** Delivers {@code batch} in order; {@code counts} (delivery counts) is null for new entries. */
  private void handle(List<StreamMessage<byte[], byte[]>> batch, @Nullable Map<String, Long> counts) {
    for (int i = 0; i < batch.size(); i++) {
      StreamMessage<byte[], byte[]> m = batch.get(i);
      String id = m.getId();
      if (counts != null && inflight.containsKey(id)) {
        continue; // claimed back from ourselves while a handler still holds it
      }
      Event event = decode(m);
      if (event == null) {
        continue;
      }
      long count = counts == null ? 1 : counts.getOrDefault(id, 2L);
      Entry d = new Entry(id, event, (int) Math.min(Integer.MAX_VALUE, count));
      synchronized (gate) {
        if (!active) {
          List<String> rest = new ArrayList<>();
          for (int j = i; j < batch.size(); j++) {
            rest.add(batch.get(j).getId());
          }
          handBack(rest);
          return;
        }
        inflight.put(id, d);
        d.running = true;
      }
      BaseDelivery.dispatch(handler, d);
      d.running = false;
      if (!active) {
        releaseUnsettled();
      }
    }
  }

  private @Nullable Event decode(StreamMessage<byte[], byte[]> m) {
    byte[] raw = null;
    Map<byte[], byte[]> body = m.getBody();
    if (body != null) {
      for (Map.Entry<byte[], byte[]> f : body.entrySet()) {
        if (Arrays.equals(f.getKey(), FIELD)) {
          raw = f.getValue();
        }
      }
    }
    String why;
    if (body == null || body.isEmpty()) {
      why = "the entry was deleted (trimmed by MAXLEN?) before the group handled it";
    } else if (raw == null) {
      why = "no field '" + RedisBroker.FIELD + "'";
    } else {
      try {
        return GoMicroMessage.decode(raw);
      } catch (MicroException e) {
        why = e.detail();
      }
    }
    long n = broker.countUndecodable();
    LOG.warn("broker redis: entry {} of stream {} (topic {}, queue {}) cannot be decoded and is "
        + "acknowledged without delivery ({} so far): {}", m.getId(), streamKey, topic, options.queue(), n, why);
    acknowledge(m.getId());
    return null;
  }

  /** Hands back every delivery that is neither settled nor being handled right now. */
  private void releaseUnsettled() {
    List<String> ids = new ArrayList<>();
    for (Entry d : inflight.values()) {
      if (!d.running && d.release()) {
        ids.add(d.id);
      }
    }
    handBack(ids);
  }

  private void finish() {
    try {
      releaseUnsettled();
      StatefulRedisConnection<byte[], byte[]> r = reader;
      if (r != null && r.isOpen()) {
        r.close();
      }
      if (commands.isOpen() && inflight.isEmpty()) {
        RedisCommands<byte[], byte[]> c = commands.sync();
        if (c.xpending(key, me, Range.unbounded(), Limit.from(1)).isEmpty()) {
          c.xgroupDelconsumer(key, me);
        }
      }
    } catch (RuntimeException e) {
      LOG.debug("broker redis: cleaning up consumer {} of queue {}: {}", consumerName, options.queue(), e.toString());
    } finally {
      broker.removed(this);
      stopped.countDown();
    }
  }

  // ------------------------------------------------------------------- commands on the shared link

  void ensureGroup() {
    RedisCommands<byte[], byte[]> c = commands.sync();
    boolean fresh;
    try {
      fresh = c.xinfoGroups(key).isEmpty();
    } catch (RedisCommandExecutionException noSuchKey) {
      fresh = true;
    }
    // a stream without groups holds only dead letters, kept for the first group that comes
    try {
      c.xgroupCreate(XReadArgs.StreamOffset.from(key, fresh ? "0-0" : "$"), group,
          new XGroupCreateArgs().mkstream(true));
    } catch (RedisCommandExecutionException e) {
      if (!String.valueOf(e.getMessage()).startsWith("BUSYGROUP")) {
        throw e;
      }
    }
  }

  private void acknowledge(String id) {
    commands.async().xack(key, group, id).whenComplete((n, e) -> {
      if (e != null) {
        LOG.warn("broker redis: XACK of entry {} on stream {} (queue {}) failed; it will be delivered "
            + "again: {}", id, streamKey, options.queue(), RedisBroker.unwrap(e).toString());
      }
    });
  }

  private void retryLater(String id) {
    Duration idle = settings.claimIdle().minus(settings.redeliveryDelay());
    claim(List.of(id), idle);
  }

  private void handBack(List<String> ids) {
    claim(ids, HANDED_BACK);
  }

  /** Re-dates pending entries (without counting a delivery) so that they become claimable. */
  private void claim(List<String> ids, Duration idle) {
    if (ids.isEmpty() || !commands.isOpen()) {
      return;
    }
    commands.async().xclaim(key, me, new XClaimArgs().minIdleTime(0).idle(idle).justid(),
        ids.toArray(String[]::new)).whenComplete((r, e) -> {
          if (e != null) {
            LOG.debug("broker redis: re-dating entries {} of stream {} failed (they are claimed "
                + "after {} instead): {}", ids, streamKey, settings.claimIdle(), RedisBroker.unwrap(e).toString());
          }
        });
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One delivery of a stream entry. */
  private final class Entry extends BaseDelivery {
    final String id;
    volatile boolean running;

    Entry(String id, Event event, int attempt) {
      super(broker, topic, event, attempt, options);
      this.id = id;
    }

    @Override
    protected void onAck() {
      inflight.remove(id);
      acknowledge(id);
    }

    @Override
    protected void onRedeliver() {
      inflight.remove(id);
      retryLater(id);
    }

    /** Settles without acknowledging, for a hand-back; true when this call settled it. */
    boolean release() {
      if (markSettled()) {
        inflight.remove(id);
        return true;
      }
      return false;
    }
  }
}
