package io.micro.broker.memory;

import io.micro.broker.Broker;
import io.micro.broker.Event;
import io.micro.broker.EventHandler;
import io.micro.broker.SubscribeOptions;
import io.micro.broker.Subscription;
import io.micro.errors.MicroException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * An in-process broker for tests that behaves like a durable one: queue groups keep their events
 * while they have no member, an event is handed to one member of each group and to every plain
 * subscriber, and an event whose handler throws, is nacked, or is left unacknowledged by a closed
 * subscription is delivered again (with a higher {@link io.micro.broker.Delivery#attempt()}) up to
 * the subscription's limit, then dead-lettered (see {@link io.micro.broker.spi.BaseDelivery}).
 *
 * <p>Brokers built on one {@link Hub} see each other, the way processes share a real backend;
 * closing one broker (a "killed" subscriber) hands its unacknowledged events back to the group.
 * Each subscription has one delivery thread, so a subscriber gets events in publish order.
 *
 * <pre>{@code
 * MemoryBroker.Hub hub = MemoryBroker.Hub.create();
 * Broker a = MemoryBroker.builder().hub(hub).build();
 * Broker b = MemoryBroker.builder().hub(hub).build();
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class MemoryBroker implements Broker {
  private final Hub hub;
  private final int maxMessageSize;
  private final Set<MemorySubscription> subscriptions = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private MemoryBroker(Builder b) {
    this.hub = b.hub != null ? b.hub : Hub.create();
    this.maxMessageSize = b.maxMessageSize;
  }

  /** A broker on a hub of its own. */
  public static MemoryBroker create() {
    return builder().build();
  }

  /** A builder: a hub of its own, 4 MiB events. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public String address() {
    return "memory";
  }

  @Override
  public void connect() {
    requireOpen();
  }

  @Override
  public boolean durable() {
    return true;
  }

  @Override
  public void publish(String topic, Event event) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(event, "event");
    requireOpen();
    if (event.body().length > maxMessageSize) {
      throw MicroException.tooLarge("go.micro.broker", "event on topic %s: %d bytes (expected: <= %d)",
          topic, event.body().length, maxMessageSize);
    }
    hub.publish(topic, event);
  }

  @Override
  public Subscription subscribe(String topic, EventHandler handler, SubscribeOptions options) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(options, "options");
    requireOpen();
    MemorySubscription s = new MemorySubscription(this, hub, topic, handler, options, subscriptions::remove);
    subscriptions.add(s);
    s.start();
    return s;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (MemorySubscription s : subscriptions) {
      s.unsubscribe();
    }
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("broker memory: closed (expected: an open broker)");
    }
  }

  @Override
  public String toString() {
    return "MemoryBroker[" + subscriptions.size() + " subscriptions]";
  }

  /**
   * The shared "backend" of memory brokers: topics, queue groups and their retained events.
   * Thread-safe; lives as long as it is referenced.
   */
  public static final class Hub {
    private final ConcurrentHashMap<String, Topic> topics = new ConcurrentHashMap<>();

    private Hub() {}

    /** An empty hub. */
    public static Hub create() {
      return new Hub();
    }

    Topic topic(String name) {
      return topics.computeIfAbsent(name, Topic::new);
    }

    void publish(String topic, Event event) {
      Topic t = topics.get(topic);
      if (t != null) {
        t.publish(event);
      }
    }
  }

  /** Configures a {@link MemoryBroker}. Not thread-safe. */
  public static final class Builder {
    private MemoryBroker.@Nullable Hub hub;
    private int maxMessageSize = 4 * 1024 * 1024;

    private Builder() {}

    /** The hub shared with other brokers; default a new one. */
    public Builder hub(Hub hub) {
      this.hub = Objects.requireNonNull(hub, "hub");
      return this;
    }

    /** The largest body accepted (413 beyond); default 4 MiB. */
    public Builder maxMessageSize(int bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxMessageSize: " + bytes + " (expected: >= 1)");
      }
      this.maxMessageSize = bytes;
      return this;
    }

    /** The broker. */
    public MemoryBroker build() {
      return new MemoryBroker(this);
    }
  }
}
