package io.micro.plugins.broker.kafka;

import io.micro.broker.Event;
import io.micro.broker.spi.BaseDelivery;
import org.apache.kafka.common.TopicPartition;

/**
 * One record handed to a handler. Acknowledging lets the subscription commit past it; redelivering
 * makes the subscription seek its partition back to it.
 */
final class KafkaDelivery extends BaseDelivery {
  private final KafkaSubscription subscription;
  private final TopicPartition partition;
  private final long offset;

  KafkaDelivery(KafkaSubscription subscription, Event event, int attempt, TopicPartition partition, long offset) {
    super(subscription.broker(), subscription.topic(), event, attempt, subscription.options());
    this.subscription = subscription;
    this.partition = partition;
    this.offset = offset;
  }

  /** The partition the event came from. */
  int partition() {
    return partition.partition();
  }

  @Override
  protected void onAck() {
    subscription.acked(partition, offset);
  }

  @Override
  protected void onRedeliver() {
    subscription.redeliver(partition, offset);
  }

  @Override
  public String toString() {
    return "KafkaDelivery[" + partition + "@" + offset + ", attempt " + attempt() + "]";
  }
}
