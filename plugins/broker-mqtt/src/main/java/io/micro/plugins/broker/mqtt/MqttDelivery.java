package io.micro.plugins.broker.mqtt;

import io.micro.broker.Event;
import io.micro.broker.SubscribeOptions;
import io.micro.broker.spi.BaseDelivery;

/**
 * One delivery of an MQTT message to a handler: acknowledging sends the PUBACK that the
 * subscription withheld; redelivering hands the event back to the subscription (see
 * {@link MqttSubscription#redeliver}).
 */
final class MqttDelivery extends BaseDelivery {
  private final MqttSubscription subscription;
  private final MqttSubscription.Item item;

  MqttDelivery(MqttBroker broker, MqttSubscription subscription, Event event, int attempt,
      SubscribeOptions options, MqttSubscription.Item item) {
    super(broker, subscription.topic(), event, attempt, options);
    this.subscription = subscription;
    this.item = item;
  }

  /** The message this delivery came in. */
  MqttSubscription.Item item() {
    return item;
  }

  /** Settles this delivery for a closing subscription; true when it was not settled yet. */
  boolean abandon() {
    return markSettled();
  }

  @Override
  protected void onAck() {
    subscription.acknowledge(this);
  }

  @Override
  protected void onRedeliver() {
    subscription.redeliver(this);
  }
}
