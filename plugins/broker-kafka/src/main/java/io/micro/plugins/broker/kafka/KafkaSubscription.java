package io.micro.plugins.broker.kafka;

import io.micro.broker.Event;
import io.micro.broker.EventHandler;
import io.micro.broker.SubscribeOptions;
import io.micro.broker.Subscription;
import io.micro.broker.spi.BaseDelivery;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscription: a consumer (its own consumer group member) and two threads.
 *
 * <p>The <b>poll thread</b> owns the {@link KafkaConsumer}: it polls, hands records to the handler
 * thread through a queue, applies acknowledgements (commits, asynchronously, up to the lowest
 * unacknowledged offset of each partition) and redeliveries (seeks back), and pauses all partitions
 * while {@code maxPending} events are handed out and unacknowledged, resuming at half. The <b>handler
 * thread</b> decodes and runs the handler on one event at a time, so a partition's events (one key's)
 * are handled in order.
 *
 * <p>Ordering after a failure: a failed event halts its partition (later events of it already queued
 * are skipped); the poll thread seeks back to the failed offset and hands everything from there out
 * again, under a new epoch, so old queued events are recognised and dropped.
 *
 * <p>Rebalance: on revocation the partition's queued events are dropped, the event being handled is
 * waited for, and what was acknowledged is committed synchronously before the partition moves, so a
 * queue group handles each event once while members come and go (unless a handler outlives the
 * wait). Unsubscribe: no new handler call starts; what was acknowledged is committed, the rest is
 * left to the group (redelivered to another member).
 */
final class KafkaSubscription implements Subscription {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaSubscription.class);
  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration PAUSED_POLL = Duration.ofMillis(5);
  /**
   * How often acknowledged offsets are committed while running (asynchronously). Revocation and
   * close commit at once and synchronously, so this only bounds what a crashed member's group gets
   * twice.
   */
  private static final long COMMIT_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final KafkaBroker broker;
  private final String topic;
  private final EventHandler handler;
  private final SubscribeOptions options;
  private final String group;
  private final boolean broadcast;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final KafkaEncoding encoding;
  private final int maxPending;
  private final Duration closeTimeout;
  private final Consumer<KafkaSubscription> onClosed;

  private final BlockingQueue<Batch> work = new LinkedBlockingQueue<>();
  private final ConcurrentLinkedQueue<Settled> settled = new ConcurrentLinkedQueue<>();
  /** Assigned partitions and the epoch their handed-out events must carry to be handled. */
  private final Map<TopicPartition, Integer> epochs = new ConcurrentHashMap<>();
  /** Partitions with a failed event whose seek back has not happened yet. */
  private final Set<TopicPartition> halted = ConcurrentHashMap.newKeySet();
  /** Failed deliveries so far of each event being redelivered. */
  private final Map<Spot, Integer> failures = new ConcurrentHashMap<>();
  private final ReentrantLock handling = new ReentrantLock();
  private final CountDownLatch ready = new CountDownLatch(1);
  private final AtomicBoolean unsubscribed = new AtomicBoolean();
  private final Thread pollThread;
  private final Thread handlerThread;
  private volatile boolean closing;
  private volatile @Nullable Throwable failure;

  // poll thread only
  private final PendingOffsets offsets = new PendingOffsets();
  private int epoch;
  private boolean paused;
  private long lastCommit = System.nanoTime();

  /** The records of one partition from one poll, valid while the partition's epoch is {@code epoch}. */
  private record Batch(TopicPartition tp, int epoch, List<ConsumerRecord<byte[], byte[]>> records) {}

  private record Spot(TopicPartition tp, long offset) {}

  private record Settled(TopicPartition tp, long offset, boolean ok) {}

  KafkaSubscription(KafkaBroker broker, String topic, EventHandler handler, SubscribeOptions options,
      String group, boolean broadcast, KafkaConsumer<byte[], byte[]> consumer, KafkaEncoding encoding,
      int maxPending, Duration closeTimeout, Consumer<KafkaSubscription> onClosed) {
    this.broker = broker;
    this.topic = topic;
    this.handler = handler;
    this.options = options;
    this.group = group;
    this.broadcast = broadcast;
    this.consumer = consumer;
    this.encoding = encoding;
    this.maxPending = maxPending;
    this.closeTimeout = closeTimeout;
    this.onClosed = onClosed;
    this.pollThread = new Thread(this::pollLoop, "micro-kafka-poll-" + topic);
    this.handlerThread = new Thread(this::handleLoop, "micro-kafka-handler-" + topic);
    pollThread.setDaemon(true);
    handlerThread.setDaemon(true);
  }

  /**
   * Starts the threads and waits up to {@code await} for the first partition assignment (a zero
   * duration does not wait). False when it did not come in time.
   */
  boolean start(Duration await) throws InterruptedException {
    pollThread.start();
    handlerThread.start();
    boolean assigned = await.isZero() || ready.await(await.toMillis(), TimeUnit.MILLISECONDS);
    Throwable t = failure;
    if (t != null) {
      throw new IllegalStateException(t.toString(), t);
    }
    return assigned;
  }

  KafkaBroker broker() {
    return broker;
  }

  /** The consumer group of this subscription: the queue, or a group of its own. */
  String group() {
    return group;
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
    if (!unsubscribed.compareAndSet(false, true)) {
      return;
    }
    closing = true;
    consumer.wakeup();
    Thread self = Thread.currentThread();
    if (self == handlerThread || self == pollThread) {
      return; // called from the handler: the poll thread finishes once the handler returned
    }
    try {
      pollThread.join(closeTimeout.multipliedBy(3).toMillis());
      if (pollThread.isAlive()) {
        LOG.warn("broker kafka: subscription to topic {} (group {}) did not close within {}; "
            + "a handler may still be running", topic, group, closeTimeout.multipliedBy(3));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // -------------------------------------------------------------------- from delivering threads

  void acked(TopicPartition tp, long offset) {
    settled.add(new Settled(tp, offset, true));
  }

  void redeliver(TopicPartition tp, long offset) {
    failures.merge(new Spot(tp, offset), 1, Integer::sum);
    halted.add(tp);
    settled.add(new Settled(tp, offset, false));
  }

  // -------------------------------------------------------------------------------- poll thread

  private void pollLoop() {
    try {
      consumer.subscribe(List.of(topic), new Rebalance());
      while (!closing) {
        ConsumerRecords<byte[], byte[]> records;
        try {
          records = consumer.poll(paused ? PAUSED_POLL : POLL);
        } catch (WakeupException e) {
          continue;
        }
        Set<TopicPartition> rewound = applySettled();
        for (TopicPartition tp : records.partitions()) {
          Integer e = epochs.get(tp);
          if (e == null || rewound.contains(tp)) {
            continue; // revoked, or fetched before a seek back: comes again
          }
          List<ConsumerRecord<byte[], byte[]>> batch = records.records(tp);
          for (ConsumerRecord<byte[], byte[]> r : batch) {
            offsets.handedOut(tp, r.offset());
          }
          work.add(new Batch(tp, e, batch));
        }
        long now = System.nanoTime();
        if (now - lastCommit >= COMMIT_INTERVAL_NANOS) {
          lastCommit = now;
          commit(false);
        }
        backPressure();
      }
    } catch (WakeupException e) {
      // closing
    } catch (Throwable t) {
      failure = t;
      if (!closing) {
        LOG.error("broker kafka: subscription to topic {} (group {}) stopped: {}", topic, group, t.toString(), t);
      }
    } finally {
      ready.countDown();
      shutdown();
    }
  }

  /** Applies acknowledgements and redeliveries; returns the partitions sought back. */
  private Set<TopicPartition> applySettled() {
    Map<TopicPartition, Long> seekTo = new HashMap<>();
    Set<TopicPartition> stale = new HashSet<>();
    Settled s;
    while ((s = settled.poll()) != null) {
      if (s.ok()) {
        if (offsets.ack(s.tp(), s.offset()) && !failures.isEmpty()) {
          failures.remove(new Spot(s.tp(), s.offset()));
        }
      } else if (offsets.isPending(s.tp(), s.offset())) {
        seekTo.merge(s.tp(), s.offset(), Math::min);
      } else {
        // no longer ours (the next owner starts from the committed offset), or a stale copy of an
        // event already sought back to or acknowledged by a later delivery: nothing to seek
        stale.add(s.tp());
      }
    }
    stale.removeAll(seekTo.keySet());
    halted.removeAll(stale);
    if (closing) {
      return seekTo.keySet(); // not acknowledged, so not committed: the group gets them again
    }
    seekTo.forEach((tp, offset) -> {
      consumer.seek(tp, offset);
      offsets.rewind(tp, offset);
      if (epochs.containsKey(tp)) {
        epochs.put(tp, ++epoch);
      }
      halted.remove(tp);
    });
    return seekTo.keySet();
  }

  private void commit(boolean sync) {
    commit(offsets.toCommit(), sync);
  }

  private void commit(Map<TopicPartition, OffsetAndMetadata> toCommit, boolean sync) {
    if (toCommit.isEmpty()) {
      return;
    }
    offsets.committed(toCommit);
    if (!sync) {
      consumer.commitAsync(toCommit, (done, error) -> {
        if (error != null) {
          LOG.debug("broker kafka: committing {} for group {} failed, will retry: {}", done, group, error.toString());
          offsets.uncommitted(toCommit);
        }
      });
      return;
    }
    for (int tries = 0; ; tries++) {
      try {
        consumer.commitSync(toCommit, closeTimeout);
        return;
      } catch (WakeupException e) {
        if (tries > 0) {
          throw e;
        }
      } catch (RuntimeException e) {
        LOG.warn("broker kafka: committing {} for group {} of topic {} failed; those events will be "
            + "delivered again: {}", toCommit, group, topic, e.toString());
        offsets.uncommitted(toCommit);
        return;
      }
    }
  }

  private void backPressure() {
    int load = offsets.total();
    if (!paused && load >= maxPending) {
      paused = true;
      LOG.debug("broker kafka: topic {} group {}: {} events unacknowledged, pausing", topic, group, load);
    } else if (paused && load <= maxPending / 2) {
      paused = false;
      consumer.resume(consumer.paused());
    }
    if (paused) {
      consumer.pause(consumer.assignment()); // again each time: covers newly assigned partitions
    }
  }

  /** Waits (bounded) until no handler runs; the handler thread checks the epochs before each call. */
  private void awaitHandlerIdle() {
    if (handling.isHeldByCurrentThread()) {
      return;
    }
    try {
      if (handling.tryLock(closeTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        handling.unlock();
      } else {
        LOG.warn("broker kafka: a handler of topic {} (group {}) still runs after {}; its event may "
            + "be delivered twice", topic, group, closeTimeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void shutdown() {
    closing = true;
    awaitHandlerIdle();
    work.clear();
    try {
      applySettled();
      commit(true);
    } catch (RuntimeException e) {
      LOG.warn("broker kafka: final commit for topic {} (group {}) failed: {}", topic, group, e.toString());
    }
    try {
      consumer.close(CloseOptions.timeout(closeTimeout));
    } catch (RuntimeException e) {
      LOG.warn("broker kafka: closing the consumer of topic {} (group {}) failed: {}", topic, group, e.toString());
    }
    if (broadcast) {
      broker.deleteGroupQuietly(group);
    }
    onClosed.accept(this);
  }

  /** Keeps epochs, offsets and commits in step with the partitions this member owns. */
  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        return;
      }
      partitions.forEach(epochs::remove);
      awaitHandlerIdle();
      applySettled();
      commit(offsets.toCommit(partitions), true);
      forget(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      partitions.forEach(epochs::remove);
      forget(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      for (TopicPartition tp : partitions) {
        offsets.assign(tp);
        halted.remove(tp);
        epochs.put(tp, ++epoch);
        if (broadcast) {
          try {
            consumer.position(tp, closeTimeout); // fixes "latest" now: later events are delivered
          } catch (RuntimeException e) {
            LOG.debug("broker kafka: position of {} not resolved yet: {}", tp, e.toString());
          }
        }
      }
      ready.countDown();
    }

    private void forget(Collection<TopicPartition> partitions) {
      offsets.remove(partitions);
      halted.removeAll(partitions);
      failures.keySet().removeIf(s -> partitions.contains(s.tp()));
    }
  }

  // ----------------------------------------------------------------------------- handler thread

  private void handleLoop() {
    try {
      while (true) {
        Batch b = work.poll(POLL.toMillis(), TimeUnit.MILLISECONDS);
        if (b == null) {
          if (closing) {
            return;
          }
          continue;
        }
        for (ConsumerRecord<byte[], byte[]> r : b.records()) {
          handling.lock();
          try {
            if (closing) {
              return;
            }
            if (halted.contains(b.tp()) || !Objects.equals(epochs.get(b.tp()), b.epoch())) {
              break; // its partition was sought back or moved away: the rest comes again
            }
            handle(b.tp(), r);
          } finally {
            handling.unlock();
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void handle(TopicPartition tp, ConsumerRecord<byte[], byte[]> r) {
    Event event;
    try {
      event = encoding.decode(r);
    } catch (RuntimeException e) {
      broker.countUndecodable();
      LOG.warn("broker kafka: undecodable record on topic {} (partition {}, offset {}) skipped and "
          + "committed: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
      acked(tp, r.offset());
      return;
    }
    int attempt = failures.isEmpty() ? 1 : failures.getOrDefault(new Spot(tp, r.offset()), 0) + 1;
    BaseDelivery.dispatch(handler, new KafkaDelivery(this, event, attempt, tp, r.offset()));
  }

  @Override
  public String toString() {
    return "KafkaSubscription[" + topic + ", group " + group + "]";
  }
}
