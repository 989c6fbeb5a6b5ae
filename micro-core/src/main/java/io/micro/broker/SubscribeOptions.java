package io.micro.broker;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How to subscribe. Immutable; build with {@link #builder()}.
 *
 * <pre>{@code
 * SubscribeOptions.builder().queue("billing").autoAck(false).maxRedeliveries(3)
 *     .deadLetterTopic("orders.dead").build();
 * }</pre>
 *
 * @param queue the queue group: each event goes to one member of the group (a shared, on durable
 *     backends persistent, consumer group); empty for a plain subscriber that gets every event
 * @param autoAck acknowledge when the handler returns normally (default); false: the handler calls
 *     {@link Delivery#ack()} itself
 * @param maxRedeliveries how many times a failed event is delivered again before it is
 *     dead-lettered or dropped (durable backends); default 5, 0 for never
 * @param deadLetterTopic where an event goes after the last failed redelivery, published with its
 *     original headers plus {@link #DEAD_LETTER_TOPIC} and {@link #DEAD_LETTER_ERROR}; null: the
 *     event is logged at ERROR and dropped
 */
public record SubscribeOptions(
    String queue, boolean autoAck, int maxRedeliveries, @Nullable String deadLetterTopic) {

  /** A plain subscriber, auto-ack, 5 redeliveries, no dead-letter topic. */
  public static final SubscribeOptions DEFAULT = builder().build();

  /** Header naming the topic a dead-lettered event was first published on. */
  public static final String DEAD_LETTER_TOPIC = "Micro-Dead-Letter-Topic";
  /** Header carrying the last handler error of a dead-lettered event. */
  public static final String DEAD_LETTER_ERROR = "Micro-Dead-Letter-Error";

  /** Checks the values. */
  public SubscribeOptions {
    Objects.requireNonNull(queue, "queue");
    if (maxRedeliveries < 0) {
      throw new IllegalArgumentException("maxRedeliveries: " + maxRedeliveries + " (expected: >= 0)");
    }
    if (deadLetterTopic != null && deadLetterTopic.isBlank()) {
      throw new IllegalArgumentException("deadLetterTopic: '' (expected: a topic or none)");
    }
  }

  /** True when this subscriber is a member of a queue group. */
  public boolean hasQueue() {
    return !queue.isEmpty();
  }

  /** A builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these options. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.queue = queue;
    b.autoAck = autoAck;
    b.maxRedeliveries = maxRedeliveries;
    b.deadLetterTopic = deadLetterTopic;
    return b;
  }

  /** Builds {@link SubscribeOptions}. Not thread-safe. */
  public static final class Builder {
    private String queue = "";
    private boolean autoAck = true;
    private int maxRedeliveries = 5;
    private @Nullable String deadLetterTopic;

    private Builder() {}

    /** The queue group; empty (default) for a plain subscriber. */
    public Builder queue(String queue) {
      this.queue = Objects.requireNonNull(queue, "queue").strip();
      return this;
    }

    /** Acknowledge automatically when the handler returns (default true). */
    public Builder autoAck(boolean autoAck) {
      this.autoAck = autoAck;
      return this;
    }

    /** Redeliveries of a failed event before giving up (default 5). */
    public Builder maxRedeliveries(int maxRedeliveries) {
      this.maxRedeliveries = maxRedeliveries;
      return this;
    }

    /** The dead-letter topic, or null for none (default). */
    public Builder deadLetterTopic(@Nullable String topic) {
      this.deadLetterTopic = topic;
      return this;
    }

    /** The options. */
    public SubscribeOptions build() {
      return new SubscribeOptions(queue, autoAck, maxRedeliveries, deadLetterTopic);
    }
  }
}
