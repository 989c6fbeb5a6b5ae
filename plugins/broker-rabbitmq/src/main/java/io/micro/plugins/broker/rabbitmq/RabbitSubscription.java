package io.micro.plugins.broker.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import io.micro.broker.Event;
import io.micro.broker.EventHandler;
import io.micro.broker.SubscribeOptions;
import io.micro.broker.Subscription;
import io.micro.broker.spi.BaseDelivery;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A subscription: a channel of its own (with the broker's prefetch), a queue bound to the exchange
 * with the topic as binding key, and a consumer with manual acknowledgement. A queue group's queue
 * is named after the group (durable by default, so it keeps events while no member runs); a plain
 * subscriber's queue is server-named, exclusive and deleted when it goes.
 *
 * <p>When the connection comes back after a loss, or the server closed the channel, the broker
 * calls {@link #restart}: a new channel declares, binds and consumes again (a plain subscriber's
 * queue gets a new name). Deliveries remember the channel they came on, so an acknowledgement
 * after a restart goes nowhere instead of hitting a wrong tag; the server has already put those
 * events back.
 *
 * <p>Handlers run one at a time per subscription on the broker's handler threads, in queue order.
 * After {@link #unsubscribe()} no new handler call starts; events not yet acknowledged return to
 * the queue when the channel closes. Thread-safe.
 */
final class RabbitSubscription implements Subscription {
  private static final Logger LOG = LoggerFactory.getLogger(RabbitSubscription.class);

  private final RabbitMqBroker broker;
  private final RabbitMqBroker.Settings settings;
  private final String topic;
  private final EventHandler handler;
  private final SubscribeOptions options;
  private final boolean quorum;
  private volatile boolean closed;
  private volatile @Nullable Channel channel;
  private volatile String queue = "";
  private volatile String consumerTag = "";

  RabbitSubscription(RabbitMqBroker broker, RabbitMqBroker.Settings settings, String topic, EventHandler handler,
      SubscribeOptions options) {
    this.broker = broker;
    this.settings = settings;
    this.topic = topic;
    this.handler = handler;
    this.options = options;
    this.quorum = options.hasQueue() && settings.quorumQueues();
  }

  /**
   * Opens a channel, declares the queue, binds it and starts consuming; a channel left from before
   * is closed first. Does nothing once unsubscribed.
   *
   * @throws IOException when the server refuses (the new channel is then closed)
   */
  synchronized void start(Connection connection) throws IOException {
    if (closed) {
      return;
    }
    Channel old = channel;
    if (old != null) {
      channel = null;
      closeQuietly(old, consumerTag);
    }
    Channel ch = connection.createChannel();
    try {
      ch.basicQos(settings.prefetch());
      String q;
      if (options.hasQueue()) {
        boolean durable = settings.durableQueues() || quorum;
        @Nullable Map<String, Object> args = quorum ? Map.of("x-queue-type", "quorum") : null;
        q = ch.queueDeclare(options.queue(), durable, false, !durable, args).getQueue();
      } else {
        q = ch.queueDeclare("", false, true, true, null).getQueue();
      }
      ch.queueBind(q, settings.exchange(), topic);
      queue = q;
      consumerTag = ch.basicConsume(q, false, new Consumer(ch));
      ch.addShutdownListener(cause -> channelDown(ch, cause));
      channel = ch;
    } catch (IOException | RuntimeException e) {
      closeQuietly(ch, "");
      throw e;
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

  /** The queue consumed from now. */
  String queue() {
    return queue;
  }

  @Override
  public void unsubscribe() {
    Channel ch;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      ch = channel;
      channel = null;
    }
    if (ch != null) {
      closeQuietly(ch, consumerTag);
    }
    broker.forget(this);
  }

  boolean active() {
    return !closed;
  }

  void ack(Channel ch, long tag) {
    try {
      ch.basicAck(tag, false);
    } catch (IOException | RuntimeException e) {
      // the channel is gone: the server puts the event back into the queue by itself
      LOG.debug("broker {}: ack on topic {} failed, the server will redeliver: {}", broker.name(), topic, e.toString());
    }
  }

  /**
   * Hands an event back for another attempt. Quorum queues count deliveries themselves, so it is
   * rejected with requeue. Otherwise a copy with the attempt counted in a header is put back into
   * this subscription's queue (through the default exchange, so no other queue sees it again), and
   * once the server confirmed the copy the original is acknowledged. If the copy cannot be
   * published, the original is rejected with requeue instead (redelivered, not lost).
   */
  void redeliver(Channel ch, long tag, AMQP.BasicProperties props, byte[] body, String eventTopic, int attempt) {
    if (closed || ch != channel) {
      return; // its channel is closing or gone: the server returns the event to the queue
    }
    if (quorum) {
      nack(ch, tag);
      return;
    }
    String q = queue;
    try {
      broker.publisher().publish("", q, Wire.requeued(props, eventTopic, attempt), body)
          .get(settings.publishTimeout().toMillis(), TimeUnit.MILLISECONDS);
      ack(ch, tag);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      LOG.warn("broker {}: could not requeue a copy of an event of topic {} into queue {} ({}), rejecting it "
          + "for redelivery instead", broker.name(), eventTopic, q, e.toString());
      nack(ch, tag);
    }
  }

  private void nack(Channel ch, long tag) {
    try {
      ch.basicNack(tag, false, true);
    } catch (IOException | RuntimeException e) {
      LOG.debug("broker {}: nack on topic {} failed, the server will redeliver: {}", broker.name(), topic, e.toString());
    }
  }

  private void channelDown(Channel ch, ShutdownSignalException cause) {
    if (closed || ch != channel || cause.isHardError() || cause.isInitiatedByApplication()) {
      return; // ours, or the whole connection (recovery restarts every subscription)
    }
    LOG.error("broker {}: the server closed the channel of the subscription to topic {} (queue {}): {}; "
        + "subscribing again", broker.name(), topic, queue, RabbitMqBroker.reason(cause));
    broker.restartLater(this);
  }

  private static void closeQuietly(Channel ch, String consumerTag) {
    try {
      if (!consumerTag.isEmpty() && ch.isOpen()) {
        ch.basicCancel(consumerTag);
      }
    } catch (IOException | RuntimeException ignored) {
      // gone with the channel
    }
    try {
      ch.close();
    } catch (IOException | RuntimeException | TimeoutException ignored) {
      // already closed, or the connection went with it; close() still takes it out of recovery
    }
  }

  @Override
  public String toString() {
    return "RabbitSubscription[" + topic + (options.hasQueue() ? ", group " + options.queue() : "") + ", queue "
        + queue + "]";
  }

  /** Turns deliveries into handler calls, one at a time (amqp-client dispatches per channel in order). */
  private final class Consumer extends DefaultConsumer {
    Consumer(Channel channel) {
      super(channel);
    }

    @Override
    public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
      if (closed) {
        return; // unsubscribed: not started; the closing channel returns it to the queue
      }
      Channel ch = getChannel();
      String eventTopic;
      Event event;
      try {
        eventTopic = Wire.topic(envelope, props);
        event = Wire.event(eventTopic, props, body);
      } catch (RuntimeException e) {
        // cannot be made into an event: acknowledged so that it cannot come back forever
        broker.countUndecodable();
        LOG.warn("broker {}: dropping an undecodable message of topic {} (routing key {}): {}", broker.name(), topic,
            envelope.getRoutingKey(), e.toString());
        ack(ch, envelope.getDeliveryTag());
        return;
      }
      RabbitDelivery d = new RabbitDelivery(broker, RabbitSubscription.this, ch, eventTopic, event,
          Wire.attempt(envelope, props), options, envelope.getDeliveryTag(), props, body);
      BaseDelivery.dispatch(handler, d);
    }

    @Override
    public void handleCancel(String tag) {
      if (!closed) {
        LOG.error("broker {}: the server cancelled the subscription to topic {} (queue {} deleted?); subscribing "
            + "again", broker.name(), topic, queue);
        broker.restartLater(RabbitSubscription.this);
      }
    }
  }
}
