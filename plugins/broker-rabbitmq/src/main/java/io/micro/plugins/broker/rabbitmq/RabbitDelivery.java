package io.micro.plugins.broker.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import io.micro.broker.Broker;
import io.micro.broker.Event;
import io.micro.broker.SubscribeOptions;
import io.micro.broker.spi.BaseDelivery;

/**
 * One AMQP delivery handed to a handler: acknowledging acks its delivery tag on the channel it came
 * on; redelivering puts it back into the queue with its attempt counted (see
 * {@link RabbitSubscription#redeliver}).
 */
final class RabbitDelivery extends BaseDelivery {
  private final RabbitSubscription subscription;
  private final Channel channel;
  private final long tag;
  private final AMQP.BasicProperties properties;
  private final byte[] body;

  RabbitDelivery(Broker broker, RabbitSubscription subscription, Channel channel, String topic, Event event,
      int attempt, SubscribeOptions options, long tag, AMQP.BasicProperties properties, byte[] body) {
    super(broker, topic, event, attempt, options);
    this.subscription = subscription;
    this.channel = channel;
    this.tag = tag;
    this.properties = properties;
    this.body = body;
  }

  @Override
  protected void onAck() {
    subscription.ack(channel, tag);
  }

  @Override
  protected void onRedeliver() {
    subscription.redeliver(channel, tag, properties, body, topic(), attempt());
  }
}
