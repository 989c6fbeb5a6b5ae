package io.micro.broker.memory;

import io.micro.broker.Broker;
import io.micro.broker.EventHandler;
import io.micro.broker.SubscribeOptions;
import io.micro.broker.Subscription;
import io.micro.broker.spi.BaseDelivery;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One subscription: a delivery thread taking events from its queue (own or its group's). */
final class MemorySubscription implements Subscription {
  private static final Logger LOG = LoggerFactory.getLogger(MemorySubscription.class);
  private static final long JOIN_MILLIS = 10_000;

  private final Broker broker;
  private final Topic topic;
  private final EventHandler handler;
  private final SubscribeOptions options;
  private final Consumer<MemorySubscription> onClose;
  private final Queue queue;
  private final Set<MemoryDelivery> unsettled = ConcurrentHashMap.newKeySet();
  private final Thread worker;
  private volatile boolean closed;

  MemorySubscription(Broker broker, MemoryBroker.Hub hub, String topic, EventHandler handler,
      SubscribeOptions options, Consumer<MemorySubscription> onClose) {
    this.broker = broker;
    this.topic = hub.topic(topic);
    this.handler = handler;
    this.options = options;
    this.onClose = onClose;
    if (options.hasQueue()) {
      this.queue = this.topic.group(options.queue());
    } else {
      this.queue = new Queue();
      this.topic.addPlain(queue);
    }
    this.worker = new Thread(this::run, "micro-memory-broker-" + topic);
    this.worker.setDaemon(true);
  }

  void start() {
    worker.start();
  }

  @Override
  public String topic() {
    return topic.name;
  }

  @Override
  public SubscribeOptions options() {
    return options;
  }

  private void run() {
    while (!closed) {
      Topic.Pending p;
      try {
        p = queue.poll(50);
      } catch (InterruptedException e) {
        break;
      }
      if (p == null) {
        continue;
      }
      if (closed) {
        queue.redeliver(p);
        break;
      }
      MemoryDelivery d = new MemoryDelivery(p);
      unsettled.add(d);
      BaseDelivery.dispatch(handler, d);
    }
  }

  @Override
  public void unsubscribe() {
    if (closed) {
      return;
    }
    closed = true;
    if (!options.hasQueue()) {
      topic.removePlain(queue);
    }
    if (Thread.currentThread() != worker) {
      try {
        worker.join(JOIN_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (worker.isAlive()) {
        LOG.warn("broker memory: a handler of topic {} still runs {} ms after unsubscribe",
            topic.name, JOIN_MILLIS);
      }
    }
    // events the handler never settled go back to the group (a plain queue dies with us)
    for (MemoryDelivery d : unsettled) {
      d.abandon();
    }
    onClose.accept(this);
  }

  /** A delivery whose settlement goes back to this subscription's queue. */
  private final class MemoryDelivery extends BaseDelivery {
    private final Topic.Pending pending;

    MemoryDelivery(Topic.Pending p) {
      super(broker, topic.name, p.event(), p.attempt(), options);
      this.pending = p;
    }

    @Override
    protected void onAck() {
      unsettled.remove(this);
    }

    @Override
    protected void onRedeliver() {
      unsettled.remove(this);
      queue.redeliver(new Topic.Pending(pending.event(), pending.attempt() + 1));
    }

    /** The subscription closed before this was settled: hand it to another member. */
    void abandon() {
      if (markSettled()) {
        unsettled.remove(this);
        queue.redeliver(new Topic.Pending(pending.event(), pending.attempt() + 1));
      }
    }
  }
}
