package io.micro.plugins.broker.nats;

import io.micro.broker.Event;
import io.micro.broker.EventHandler;
import io.micro.broker.SubscribeOptions;
import io.micro.broker.Subscription;
import io.micro.broker.spi.BaseDelivery;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A core NATS subscription (queue subscription with a queue group) with a dispatcher of its own, so
 * its handler runs on one thread, in arrival order, and a slow handler holds up only this
 * subscription. jnats restores it after a reconnect.
 */
final class CoreSubscription implements Subscription {
  private final NatsBroker broker;
  private final Connection connection;
  private final String topic;
  private final EventHandler handler;
  private final SubscribeOptions options;
  private final Dispatcher dispatcher;
  private final AtomicBoolean closed = new AtomicBoolean();

  CoreSubscription(NatsBroker broker, Connection connection, String topic, EventHandler handler,
      SubscribeOptions options) {
    this.broker = broker;
    this.connection = connection;
    this.topic = topic;
    this.handler = handler;
    this.options = options;
    this.dispatcher = connection.createDispatcher(this::onMessage);
    if (options.hasQueue()) {
      dispatcher.subscribe(topic, options.queue());
    } else {
      dispatcher.subscribe(topic);
    }
  }

  private void onMessage(Message m) {
    if (closed.get()) {
      return;
    }
    Event event = broker.decode(m);
    if (event != null) {
      BaseDelivery.dispatch(handler, new CoreDelivery(m.getSubject(), event));
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
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      connection.closeDispatcher(dispatcher);
    } catch (IllegalStateException alreadyClosed) {
      // the connection is closed, and the subscription with it
    }
    broker.forget(this);
  }

  /** Core NATS has no acknowledgement: a failure is logged by BaseDelivery and not redelivered. */
  private final class CoreDelivery extends BaseDelivery {
    CoreDelivery(String subject, Event event) {
      super(broker, subject, event, 1, options);
    }

    @Override
    protected void onAck() {}

    @Override
    protected void onRedeliver() {}
  }
}
