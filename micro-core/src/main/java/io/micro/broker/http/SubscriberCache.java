package io.micro.broker.http;

import io.micro.registry.Registry;
import io.micro.registry.Service;
import io.micro.registry.Watcher;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The versions and nodes of {@code micro.http.broker} as last read from the registry. The first
 * read is synchronous; afterwards a stale copy (older than the TTL, or invalidated by a registry
 * watch event or a failed delivery) is served while a background read refreshes it, so that a
 * publish never waits on a slow registry once warm. Thread-safe.
 */
final class SubscriberCache implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SubscriberCache.class);

  private final Registry registry;
  private final long ttlNanos;
  private final Executor background;
  private final AtomicBoolean refreshing = new AtomicBoolean();
  private volatile List<Service> services;
  private volatile long readAt;
  private volatile boolean stale = true;
  private volatile boolean closed;
  private volatile Watcher watcher;

  SubscriberCache(Registry registry, Duration ttl, Executor background) {
    this.registry = registry;
    this.ttlNanos = ttl.toNanos();
    this.background = background;
  }

  /** Starts watching the registry for changes of the broker service (best effort). */
  void watch() {
    Thread t = new Thread(this::watchLoop, "micro-http-broker-watch");
    t.setDaemon(true);
    t.start();
  }

  private void watchLoop() {
    while (!closed) {
      try (Watcher w = registry.watch(HttpBroker.SERVICE)) {
        watcher = w;
        while (!closed) {
          if (w.next(Duration.ofSeconds(1)).isPresent()) {
            invalidate();
          }
        }
      } catch (RuntimeException e) {
        if (closed) {
          return;
        }
        LOG.debug("broker http: registry watch failed ({}), retrying", e.toString());
        try {
          Thread.sleep(1000);
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  /** The broker service's versions with their nodes. */
  List<Service> services() {
    List<Service> s = services;
    if (s == null) {
      return refreshNow();
    }
    if (stale || System.nanoTime() - readAt > ttlNanos) {
      if (refreshing.compareAndSet(false, true)) {
        background.execute(() -> {
          try {
            refreshNow();
          } catch (RuntimeException e) {
            LOG.warn("broker http: reading {} from registry {} failed: {}", HttpBroker.SERVICE,
                registry.name(), e.toString());
          } finally {
            refreshing.set(false);
          }
        });
      }
    }
    return s;
  }

  private List<Service> refreshNow() {
    stale = false;
    List<Service> s = List.copyOf(registry.getService(HttpBroker.SERVICE));
    services = s;
    readAt = System.nanoTime();
    return s;
  }

  /** Forces a read on the next use (a subscriber came, went, or did not answer). */
  void invalidate() {
    stale = true;
  }

  @Override
  public void close() {
    closed = true;
    Watcher w = watcher;
    if (w != null) {
      try {
        w.close();
      } catch (RuntimeException ignored) {
        // closing anyway
      }
    }
  }
}
