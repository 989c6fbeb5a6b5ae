package io.micro.toolkit.sidecar;

import io.micro.broker.Broker;
import io.micro.broker.Event;
import io.micro.broker.EventHandler;
import io.micro.broker.SubscribeOptions;
import io.micro.broker.Subscription;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real broker that also counts the live subscriptions per topic, so tests can wait for the
 * sidecar's asynchronous subscribe instead of sleeping.
 */
final class CountingBroker implements Broker {
  private final Broker delegate;
  private final Map<String, AtomicInteger> live = new ConcurrentHashMap<>();

  CountingBroker(Broker delegate) {
    this.delegate = delegate;
  }

  int subscribers(String topic) {
    AtomicInteger n = live.get(topic);
    return n == null ? 0 : n.get();
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public String address() {
    return delegate.address();
  }

  @Override
  public void connect() {
    delegate.connect();
  }

  @Override
  public void publish(String topic, Event event) {
    delegate.publish(topic, event);
  }

  @Override
  public Subscription subscribe(String topic, EventHandler handler, SubscribeOptions options) {
    Subscription sub = delegate.subscribe(topic, handler, options);
    AtomicInteger n = live.computeIfAbsent(topic, t -> new AtomicInteger());
    n.incrementAndGet();
    return new Subscription() {
      private boolean done;

      @Override
      public String topic() {
        return sub.topic();
      }

      @Override
      public SubscribeOptions options() {
        return sub.options();
      }

      @Override
      public synchronized void unsubscribe() {
        if (!done) {
          done = true;
          n.decrementAndGet();
        }
        sub.unsubscribe();
      }
    };
  }

  @Override
  public boolean durable() {
    return delegate.durable();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
