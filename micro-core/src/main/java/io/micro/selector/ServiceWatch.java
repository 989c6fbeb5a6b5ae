package io.micro.selector;

import io.micro.registry.Registry;
import io.micro.registry.Service;
import io.micro.registry.Watcher;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watch of one service for a {@link CacheSelector}: a daemon thread that reads the registry's
 * watcher and hands each result to the cache. When the watch cannot be opened or fails, it is opened
 * again with backoff (0.5 s doubling to 30 s), logged once per change of state; once re-opened,
 * {@code onResync} runs, since changes made meanwhile were missed.
 */
final class ServiceWatch {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceWatch.class);
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  private final String service;
  private final Registry registry;
  private final BiConsumer<String, Service> onResult;
  private final Runnable onResync;
  private @Nullable Thread thread;
  private @Nullable Watcher watcher;
  private volatile boolean closed;

  ServiceWatch(String service, Registry registry, BiConsumer<String, Service> onResult,
      Runnable onResync) {
    this.service = service;
    this.registry = registry;
    this.onResult = onResult;
    this.onResync = onResync;
  }

  /**
   * Opens the watch on the calling thread (so that no change after this call is missed when it
   * succeeds) and starts the reading thread; later calls do nothing.
   */
  synchronized void start() {
    if (thread != null || closed) {
      return;
    }
    try {
      watcher = registry.watch(service);
    } catch (RuntimeException e) {
      watcher = null; // the thread retries
    }
    thread = new Thread(this::run, "micro-selector-watch-" + service);
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    Duration backoff = FIRST_BACKOFF;
    boolean failing = false;
    boolean first;
    synchronized (this) {
      first = watcher != null; // opened by start(): nothing was missed
    }
    while (!closed) {
      Watcher w;
      try {
        synchronized (this) {
          w = first && watcher != null ? watcher : null;
        }
        if (w == null) {
          w = registry.watch(service);
        }
        if (!first) {
          onResync.run();
        }
        first = false;
      } catch (RuntimeException e) {
        first = false;
        if (!failing) {
          LOG.warn("selector: cannot watch {} in registry {} (retrying): {}", service, registry.name(),
              e.toString());
          failing = true;
        }
        sleep(backoff);
        backoff = min(backoff.multipliedBy(2), MAX_BACKOFF);
        continue;
      }
      synchronized (this) {
        if (closed) {
          w.close();
          return;
        }
        watcher = w;
      }
      if (failing) {
        LOG.info("selector: watching {} in registry {} again", service, registry.name());
        failing = false;
      }
      backoff = FIRST_BACKOFF;
      try {
        while (!closed) {
          Optional<Watcher.Result> r = w.next(Duration.ofSeconds(1));
          r.ifPresent(result -> onResult.accept(result.action(), result.service()));
        }
      } catch (RuntimeException e) {
        if (!closed) {
          LOG.warn("selector: watch of {} in registry {} failed (reopening): {}", service,
              registry.name(), e.toString());
          failing = true;
          sleep(backoff);
        }
      } finally {
        w.close();
      }
    }
  }

  /** Stops the thread and closes the watcher. */
  void close() {
    Watcher w;
    Thread t;
    synchronized (this) {
      closed = true;
      w = watcher;
      t = thread;
    }
    if (w != null) {
      w.close();
    }
    if (t != null) {
      t.interrupt();
    }
  }

  private void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
