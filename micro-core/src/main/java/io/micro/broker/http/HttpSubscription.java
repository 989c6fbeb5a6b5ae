package io.micro.broker.http;

import io.micro.broker.EventHandler;
import io.micro.broker.SubscribeOptions;
import io.micro.broker.Subscription;
import io.micro.registry.Service;

/** One subscriber node of the HTTP broker, registered as a node of {@code micro.http.broker}. */
final class HttpSubscription implements Subscription {
  final String nodeId;
  final String topic;
  final EventHandler handler;
  final SubscribeOptions options;
  final Service registration;
  private final HttpBroker broker;
  volatile boolean closed;

  HttpSubscription(HttpBroker broker, String nodeId, String topic, EventHandler handler,
      SubscribeOptions options, Service registration) {
    this.broker = broker;
    this.nodeId = nodeId;
    this.topic = topic;
    this.handler = handler;
    this.options = options;
    this.registration = registration;
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
    broker.unsubscribe(this);
  }

  @Override
  public String toString() {
    return "HttpSubscription[" + nodeId + (options.hasQueue() ? ", queue " + options.queue() : "") + "]";
  }
}
