package io.micro.server;

import io.micro.broker.Broker;
import io.micro.broker.Delivery;
import io.micro.broker.Event;
import io.micro.broker.SubscribeOptions;
import io.micro.broker.Subscription;
import io.micro.codec.Codec;
import io.micro.codec.Codecs;
import io.micro.metadata.Metadata;
import io.micro.registry.Endpoint;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's subscribers: subscribed through the broker on start, unsubscribed on stop. Each
 * event is decoded by its {@code Content-Type} into every subscriber method's type and passed
 * through the {@link SubscriberWrapper}s; a payload that cannot be decoded is logged with the
 * topic, counted and acknowledged, so that it cannot loop. Thread-safe.
 */
final class Subscribers {
  private static final Logger LOG = LoggerFactory.getLogger(Subscribers.class);

  /** One {@code subscribe} call: a topic, its methods and options. */
  record Entry(String topic, List<SubscriberMethod> methods, SubscribeOptions options) {}

  private final String server;
  private final Codecs codecs;
  private final List<SubscriberWrapper> wrappers;
  private final List<Entry> entries = new CopyOnWriteArrayList<>();
  private final List<Subscription> live = new CopyOnWriteArrayList<>();
  private final AtomicLong undecodable = new AtomicLong();
  private volatile @Nullable Broker broker;

  Subscribers(String server, Codecs codecs, List<SubscriberWrapper> wrappers) {
    this.server = server;
    this.codecs = codecs;
    this.wrappers = List.copyOf(wrappers);
  }

  void add(Entry e) {
    entries.add(e);
    Broker b = broker;
    if (b != null) {
      subscribe(b, e);
    }
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  long undecodable() {
    return undecodable.get();
  }

  List<Endpoint> endpoints() {
    List<Endpoint> out = new ArrayList<>();
    for (Entry e : entries) {
      for (SubscriberMethod m : e.methods()) {
        out.add(m.schema());
      }
    }
    return out;
  }

  /** Subscribes every entry; on failure unsubscribes what was subscribed and rethrows. */
  synchronized void start(Broker b) {
    b.connect();
    broker = b;
    try {
      for (Entry e : entries) {
        subscribe(b, e);
      }
    } catch (RuntimeException ex) {
      stop();
      throw ex;
    }
  }

  private void subscribe(Broker b, Entry e) {
    LOG.info("Subscribing to topic: {}", e.topic());
    live.add(b.subscribe(e.topic(), d -> handle(e, d), e.options()));
  }

  synchronized void stop() {
    broker = null;
    for (Subscription s : live) {
      LOG.info("Unsubscribing {} from topic: {}", server, s.topic());
      try {
        s.unsubscribe();
      } catch (RuntimeException ex) {
        LOG.warn("unsubscribing from topic {}: {}", s.topic(), ex.toString());
      }
    }
    live.clear();
  }

  private void handle(Entry e, Delivery d) throws Exception {
    Event event = d.event();
    Metadata md = Metadata.of(event.headers());
    Exception first = null;
    for (SubscriberMethod m : e.methods()) {
      String ct = contentType(event, m.messageType());
      Object message = decode(e.topic(), m, event, ct);
      if (message == null) {
        continue; // counted and logged: acknowledged so that it cannot loop
      }
      SubscriberRequest req = new SubscriberRequest(d.topic(), m.endpoint(), md, message, ct, event);
      try {
        Metadata.callWith(md, () -> {
          chain(0, m).handle(req);
          return null;
        });
      } catch (Exception ex) {
        if (first == null) {
          first = ex;
        } else {
          first.addSuppressed(ex);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private SubscriberWrapper.Next chain(int i, SubscriberMethod m) {
    if (i == wrappers.size()) {
      return r -> {
        try {
          m.invoker().invoke(r.metadata(), r.message());
        } catch (Exception | Error ex) {
          throw ex;
        } catch (Throwable t) {
          throw new IllegalStateException(t);
        }
      };
    }
    SubscriberWrapper w = wrappers.get(i);
    SubscriberWrapper.Next next = chain(i + 1, m);
    return r -> w.handle(r, next);
  }

  private static String contentType(Event event, Type target) {
    String ct = event.contentType();
    if (!ct.isEmpty()) {
      return ct;
    }
    // go-micro defaults to protobuf; a Java type that is not a protobuf message can only be JSON
    return target instanceof Class<?> c && com.google.protobuf.Message.class.isAssignableFrom(c)
        ? "application/protobuf" : "application/json";
  }

  private @Nullable Object decode(String topic, SubscriberMethod m, Event event, String ct) {
    Optional<Codec> codec = codecs.forContentType(ct);
    String why;
    if (codec.isEmpty()) {
      why = "no codec for Content-Type " + ct + " (expected: one of " + codecs.contentTypes() + ")";
    } else {
      try {
        Object o = codec.get().unmarshal(event.body(), m.messageType());
        if (o != null) {
          return o;
        }
        why = "payload decodes to null";
      } catch (RuntimeException ex) {
        why = ex instanceof io.micro.errors.MicroException me ? me.detail() : String.valueOf(ex.getMessage());
      }
    }
    long n = undecodable.incrementAndGet();
    LOG.warn("subscriber {} of topic {}: cannot decode event {} as {} ({}); acknowledged and skipped "
        + "({} undecodable so far)", m.endpoint(), topic, event.id().isEmpty() ? "(no Micro-ID)" : event.id(),
        m.messageType().getTypeName(), why, n);
    return null;
  }
}
