package io.micro.broker;

/**
 * One delivery of an event to a handler (go-micro's {@code broker.Event}): the event, where it came
 * from, and its acknowledgement.
 *
 * <p>With {@link SubscribeOptions#autoAck()} (the default) the broker acknowledges after the handler
 * returned and {@link #ack()}/{@link #nack()} need not be called. With auto-ack off the handler (or
 * any thread it hands the delivery to, later) must call exactly one of them; until then a durable
 * backend keeps the event pending, and redelivers it when the subscription closes or the subscriber
 * dies. A handler that throws before acknowledging counts as a {@link #nack()}.
 *
 * <p>Implementations are thread-safe; the first call of {@code ack}/{@code nack} wins, later calls
 * do nothing.
 */
public interface Delivery {

  /** The topic the event was delivered on. */
  String topic();

  /** The event as published. */
  Event event();

  /**
   * Which delivery of this event this is: 1 the first time, more on redelivery, counted by the
   * backend where it can (JetStream, Redis, RabbitMQ quorum queues) or by the subscriber otherwise.
   */
  int attempt();

  /** Acknowledges: the event is done and will not be delivered to this queue group again. */
  void ack();

  /**
   * Refuses: on durable backends the event is delivered again (to this or another member) until
   * {@link SubscribeOptions#maxRedeliveries()}, then dead-lettered; elsewhere it is only logged.
   */
  void nack();
}
