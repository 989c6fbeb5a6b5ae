package io.micro.broker;

/**
 * Handles one delivered event. Returning normally means success (with
 * {@link SubscribeOptions#autoAck()} the broker then acknowledges); throwing means failure: it is
 * logged with the topic and the event id and, on durable backends, the event is delivered again (see
 * {@link Broker}).
 *
 * <p>Runs on a broker thread; blocking is fine, but a slow handler slows its subscription.
 */
@FunctionalInterface
public interface EventHandler {

  /** Handles {@code delivery}; throw to have it redelivered (durable backends). */
  void handle(Delivery delivery) throws Exception;
}
