package io.micro.toolkit.sidecar;

import io.micro.broker.Broker;
import io.micro.broker.Delivery;
import io.micro.broker.Event;
import io.micro.broker.SubscribeOptions;
import io.micro.broker.Subscription;
import io.micro.broker.spi.GoMicroMessage;
import io.micro.errors.MicroException;
import io.micro.toolkit.http.WebSocketHandler;
import io.micro.toolkit.http.WebSocketSession;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code /broker} websocket. Publishes the client's messages in the order they came, one at a
 * time; more than {@value #MAX_PENDING} waiting closes the socket with 1013 (try again later).
 * Pushes the subscription's events, waiting at most 10 s for each to be written; a client that
 * does not read for that long is closed with 1008.
 */
final class BrokerSocket implements WebSocketHandler {
  private static final Logger LOG = LoggerFactory.getLogger(BrokerSocket.class);
  static final int MAX_PENDING = 1024;
  private static final long WRITE_TIMEOUT_MS = 10_000;

  private final Broker broker;
  private final String topic;
  private final @Nullable String queue;
  private final Executor executor;
  private final Object lock = new Object();
  private @Nullable Subscription subscription;
  private boolean closed;
  private int pending;
  private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

  BrokerSocket(Broker broker, String topic, @Nullable String queue, Executor executor) {
    this.broker = broker;
    this.topic = topic;
    this.queue = queue;
    this.executor = executor;
  }

  @Override
  public void onOpen(WebSocketSession session) {
    SubscribeOptions opts = queue == null ? SubscribeOptions.DEFAULT
        : SubscribeOptions.builder().queue(queue).build();
    try {
      executor.execute(() -> subscribe(session, opts));
    } catch (RejectedExecutionException e) {
      session.close(1013, "sidecar busy, try again later");
    }
  }

  private void subscribe(WebSocketSession session, SubscribeOptions opts) {
    Subscription sub;
    try {
      sub = broker.subscribe(topic, d -> push(session, d), opts);
    } catch (RuntimeException e) {
      String why = MicroException.from(Work.ERROR_ID, e).detail();
      LOG.warn("/broker?topic={}: cannot subscribe: {}", topic, why);
      session.close(1011, trim("cannot subscribe to " + topic + ": " + why));
      return;
    }
    boolean drop;
    synchronized (lock) {
      drop = closed;
      if (!drop) {
        subscription = sub;
      }
    }
    if (drop) {
      unsubscribe(sub);
    }
  }

  /** Sends one event to the client, waiting at most 10 s for the write. */
  private void push(WebSocketSession session, Delivery delivery) throws InterruptedException {
    if (!session.isOpen()) {
      return;
    }
    String json = new String(GoMicroMessage.encode(delivery.event()), StandardCharsets.UTF_8);
    try {
      session.sendText(json).toCompletableFuture().get(WRITE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      LOG.warn("/broker?topic={}: client too slow, closing", topic);
      session.close(1008, "client too slow: events not read within 10 s");
    } catch (ExecutionException e) {
      LOG.debug("/broker?topic={}: push failed: {}", topic, e.getCause().toString());
    }
  }

  @Override
  public void onText(WebSocketSession session, String text) {
    publish(session, text.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void onBinary(WebSocketSession session, byte[] data) {
    publish(session, data);
  }

  private void publish(WebSocketSession session, byte[] body) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(Event.ID, UUID.randomUUID().toString());
    headers.put(Event.TOPIC, topic);
    Event event = Event.of(headers, body);
    synchronized (lock) {
      if (++pending > MAX_PENDING) {
        pending--;
        session.close(1013, "more than " + MAX_PENDING + " messages waiting to be published");
        return;
      }
      tail = tail.thenRunAsync(() -> {
        try {
          broker.publish(topic, event);
        } catch (RuntimeException e) {
          LOG.warn("/broker?topic={}: publish failed: {}", topic, e.getMessage());
        } finally {
          synchronized (lock) {
            pending--;
          }
        }
      }, executor).exceptionally(t -> {
        synchronized (lock) {
          pending--;
        }
        LOG.warn("/broker?topic={}: publish not run: {}", topic, t.toString());
        return null;
      });
    }
  }

  @Override
  public void onClose(WebSocketSession session, int code, String reason) {
    Subscription sub;
    synchronized (lock) {
      closed = true;
      sub = subscription;
      subscription = null;
    }
    if (sub != null) {
      try {
        executor.execute(() -> unsubscribe(sub));
      } catch (RejectedExecutionException e) {
        unsubscribe(sub);
      }
    }
  }

  private void unsubscribe(Subscription sub) {
    try {
      sub.unsubscribe();
    } catch (RuntimeException e) {
      LOG.debug("/broker?topic={}: unsubscribe failed: {}", topic, e.toString());
    }
  }

  private static String trim(String reason) {
    return reason.length() > 120 ? reason.substring(0, 120) : reason;
  }
}
