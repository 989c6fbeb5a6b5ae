package io.micro.broker.spi;

import io.micro.broker.Broker;
import io.micro.broker.Delivery;
import io.micro.broker.Event;
import io.micro.broker.SubscribeOptions;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The acknowledgement logic every broker shares, so that all of them log, redeliver and
 * dead-letter alike. A broker subclasses it once, saying how its backend acknowledges
 * ({@link #onAck()}) and redelivers ({@link #onRedeliver()}), and runs handlers with
 * {@link #dispatch}.
 *
 * <p>Settling happens once: the first of {@link #ack()}, {@link #nack()} or a handler failure
 * wins. A failure (throw or nack) redelivers while {@code attempt - 1 < maxRedeliveries}; after
 * that the event is published to the dead-letter topic through the broker and acknowledged (if
 * that publish fails, it is redelivered instead, so nothing is lost), or, with no dead-letter topic,
 * logged at ERROR and acknowledged. Every failure is logged with the topic, the event id and the
 * attempt. Thread-safe.
 */
public abstract class BaseDelivery implements Delivery {
  private static final Logger LOG = LoggerFactory.getLogger(BaseDelivery.class);

  private final Broker broker;
  private final String topic;
  private final Event event;
  private final int attempt;
  private final SubscribeOptions options;
  private final AtomicBoolean settled = new AtomicBoolean();

  /**
   * @param broker the broker delivering, used for its name in logs and to publish dead letters
   * @param attempt 1 for a first delivery
   */
  protected BaseDelivery(Broker broker, String topic, Event event, int attempt, SubscribeOptions options) {
    this.broker = broker;
    this.topic = topic;
    this.event = event;
    this.attempt = Math.max(1, attempt);
    this.options = options;
  }

  /** Acknowledges on the backend: the event is done for this queue group. */
  protected abstract void onAck();

  /** Hands the event back to the backend for another delivery (or, non-durable, marks failure). */
  protected abstract void onRedeliver();

  /**
   * Runs {@code handler} on {@code delivery}: auto-acknowledges when it returns (with
   * {@link SubscribeOptions#autoAck()}), settles it as failed when it throws. Never throws.
   */
  public static void dispatch(io.micro.broker.EventHandler handler, BaseDelivery delivery) {
    try {
      handler.handle(delivery);
      if (delivery.options.autoAck()) {
        delivery.ack();
      }
    } catch (Exception | LinkageError | AssertionError e) {
      delivery.fail(e);
    }
  }

  @Override
  public final String topic() {
    return topic;
  }

  @Override
  public final Event event() {
    return event;
  }

  @Override
  public final int attempt() {
    return attempt;
  }

  /** The options of the subscription this delivery belongs to. */
  public final SubscribeOptions options() {
    return options;
  }

  /** True once acknowledged, refused or failed. */
  public final boolean settled() {
    return settled.get();
  }

  /**
   * Marks this delivery settled without acknowledging or redelivering, for a broker that hands an
   * abandoned event back itself (a closed subscription). True when this call settled it.
   */
  protected final boolean markSettled() {
    return settled.compareAndSet(false, true);
  }

  @Override
  public final void ack() {
    if (settled.compareAndSet(false, true)) {
      onAck();
    }
  }

  @Override
  public final void nack() {
    fail(null);
  }

  /**
   * Settles as failed ({@code error} null for an explicit {@link #nack()}): redeliver, dead-letter
   * or drop as the class comment says. Does nothing when already settled.
   */
  public final void fail(@Nullable Throwable error) {
    if (!settled.compareAndSet(false, true)) {
      return;
    }
    String why = error == null ? "nack" : String.valueOf(error);
    String id = event.id().isEmpty() ? "(no Micro-ID)" : event.id();
    if (attempt - 1 < options.maxRedeliveries()) {
      LOG.warn("broker {}: handler of topic {} failed on event {} (attempt {}), {}: {}",
          broker.name(), topic, id, attempt, broker.durable() ? "redelivering" : "not redelivered", why);
      onRedeliver();
      return;
    }
    String dlt = options.deadLetterTopic();
    if (dlt == null) {
      LOG.error("broker {}: handler of topic {} failed on event {} (attempt {}), giving up after {} "
          + "redeliveries and dropping it (no dead-letter topic): {}",
          broker.name(), topic, id, attempt, options.maxRedeliveries(), why);
      onAck();
      return;
    }
    Event dead = event.withHeader(SubscribeOptions.DEAD_LETTER_TOPIC, topic)
        .withHeader(SubscribeOptions.DEAD_LETTER_ERROR, why)
        .withHeader(Event.TOPIC, dlt);
    try {
      broker.publish(dlt, dead);
      LOG.error("broker {}: handler of topic {} failed on event {} (attempt {}), moved to "
          + "dead-letter topic {}: {}", broker.name(), topic, id, attempt, dlt, why);
      onAck();
    } catch (RuntimeException e) {
      LOG.error("broker {}: handler of topic {} failed on event {} (attempt {}) and publishing it "
          + "to dead-letter topic {} failed ({}), redelivering: {}",
          broker.name(), topic, id, attempt, dlt, e.toString(), why);
      onRedeliver();
    }
  }
}
