package io.micro.plugins.broker.redis;

import io.micro.broker.Event;
import io.micro.broker.EventHandler;
import io.micro.broker.SubscribeOptions;
import io.micro.broker.Subscription;
import io.micro.broker.spi.BaseDelivery;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A plain subscriber on a Redis channel: events are handed to one thread of its own, in arrival
 * order, through a queue bounded by {@link RedisBroker.Builder#maxPending}. Pub/sub cannot
 * redeliver: a failing handler is logged (by {@link BaseDelivery}) and the event is gone.
 */
final class ChannelSubscription implements Subscription {
  private static final Logger LOG = LoggerFactory.getLogger(ChannelSubscription.class);

  private final RedisBroker broker;
  private final Channels channels;
  private final String topic;
  private final EventHandler handler;
  private final SubscribeOptions options;
  private final ThreadPoolExecutor worker;
  private final AtomicLong dropped = new AtomicLong();
  private volatile boolean active = true;

  ChannelSubscription(RedisBroker broker, Channels channels, String topic, EventHandler handler,
      SubscribeOptions options) {
    this.broker = broker;
    this.channels = channels;
    this.topic = topic;
    this.handler = handler;
    this.options = options;
    this.worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
        new LinkedBlockingQueue<>(broker.settings().maxPending()), r -> {
          Thread t = new Thread(r, "micro-redis-sub-" + topic);
          t.setDaemon(true);
          return t;
        });
  }

  void offer(Event event) {
    if (!active) {
      return;
    }
    try {
      worker.execute(() -> {
        if (active) {
          BaseDelivery.dispatch(handler, new Plain(event));
        }
      });
    } catch (RejectedExecutionException e) {
      if (active) {
        LOG.error("broker redis: subscriber of topic {} is {} events behind; dropped event {} ({} so far)",
            topic, broker.settings().maxPending(), event.id(), dropped.incrementAndGet());
      }
    }
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
    if (!active) {
      return;
    }
    stop();
    channels.remove(this);
  }

  void stop() {
    active = false;
    worker.getQueue().clear();
    worker.shutdown(); // a handler already running may finish
  }

  /** Pub/sub has nothing to acknowledge and cannot redeliver. */
  private final class Plain extends BaseDelivery {
    Plain(Event event) {
      super(broker, topic, event, 1, options);
    }

    @Override
    protected void onAck() {}

    @Override
    protected void onRedeliver() {}
  }
}
