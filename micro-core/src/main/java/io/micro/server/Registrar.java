package io.micro.server;

import io.micro.registry.Registry;
import io.micro.registry.Service;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a server registered: registers at once with the TTL, again every interval, retries a failed
 * registration with exponential backoff (1 s doubling, at most the interval), and logs only when
 * the state changes (registered, failing). {@link #close()} stops re-registering and deregisters;
 * no registration can happen after it.
 */
final class Registrar implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Registrar.class);
  private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);

  private final Registry registry;
  private final Supplier<Service> service;
  private final Duration ttl;
  private final Duration interval;
  private final ScheduledExecutorService timer;
  private @Nullable ScheduledFuture<?> next;
  private Duration backoff = FIRST_BACKOFF;
  private boolean failing;
  private boolean registered;
  private boolean closed;

  Registrar(Registry registry, Supplier<Service> service, Duration ttl, Duration interval) {
    this.registry = registry;
    this.service = service;
    this.ttl = ttl;
    this.interval = interval;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "micro-registrar-" + service.get().name());
      t.setDaemon(true);
      return t;
    });
  }

  /** Registers now (synchronously) and schedules the next registrations. */
  void start() {
    run();
  }

  private synchronized void run() {
    if (closed) {
      return;
    }
    Service s = service.get();
    Duration delay;
    try {
      registry.register(s, ttl);
      if (failing || !registered) {
        LOG.info("registered {} node {} at {} in {}", s.name(), nodeId(s), address(s), registry.name());
      }
      failing = false;
      registered = true;
      backoff = FIRST_BACKOFF;
      delay = interval;
    } catch (RuntimeException e) {
      if (!failing) {
        LOG.warn("cannot register {} in {} (retrying with backoff): {}", s.name(), registry.name(),
            e.toString());
      }
      failing = true;
      delay = backoff;
      backoff = min(backoff.multipliedBy(2), interval);
    }
    next = timer.schedule(this::run, Math.max(1, delay.toMillis()), TimeUnit.MILLISECONDS);
  }

  /** True once a registration succeeded and none failed since. */
  synchronized boolean registered() {
    return registered && !failing;
  }

  /** Stops re-registering and deregisters; errors are logged, not thrown. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (next != null) {
      next.cancel(false);
    }
    timer.shutdownNow();
    Service s = service.get();
    try {
      registry.deregister(s);
      LOG.info("deregistered {} node {} from {}", s.name(), nodeId(s), registry.name());
    } catch (RuntimeException e) {
      LOG.warn("cannot deregister {} from {}: {}", s.name(), registry.name(), e.toString());
    }
  }

  private static String nodeId(Service s) {
    return s.nodes().isEmpty() ? "?" : s.nodes().get(0).id();
  }

  private static String address(Service s) {
    return s.nodes().isEmpty() ? "?" : s.nodes().get(0).address();
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
