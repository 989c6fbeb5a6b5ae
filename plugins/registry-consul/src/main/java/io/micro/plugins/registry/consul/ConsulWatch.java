package io.micro.plugins.registry.consul;

import io.micro.registry.Service;
import io.micro.registry.Watcher;
import io.micro.registry.spi.QueueWatcher;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watch: a loop of blocking health queries per watched service, plus, when every service is
 * watched, a loop of blocking catalog queries that starts and stops the per-service loops as
 * services appear and vanish. Each answer is compared with the last one of that service and the
 * differences ({@link Changes}) are offered to the {@link QueueWatcher}: nodes that are gone are a
 * {@code delete} carrying them (even when others of the version remain), a new version is {@code
 * create}, added or changed nodes or data an {@code update}.
 *
 * <p>Blocking queries follow Consul's rules: the {@code X-Consul-Index} of an answer is the {@code
 * index} of the next query; an index that goes backwards (agent restarted) starts over from 0.
 * Failed queries are retried with back-off (100 ms doubling to 5 s) until the watcher is closed.
 */
final class ConsulWatch {
  private static final Logger LOG = LoggerFactory.getLogger(ConsulWatch.class);
  private static final long MIN_BACKOFF_MS = 100;
  private static final long MAX_BACKOFF_MS = 5_000;

  private final ConsulRegistry registry;
  private final String service;
  private final ExecutorService threads;
  private final QueueWatcher watcher;
  /** name -> version -> service as last reported; guarded by this. */
  private final Map<String, Map<String, Service>> known = new HashMap<>();
  /** name -> its health loop; guarded by this. */
  private final Map<String, Future<?>> loops = new HashMap<>();

  private Future<?> catalogLoop;
  private volatile boolean closed;

  ConsulWatch(ConsulRegistry registry, String service, ExecutorService threads, Runnable onClose) {
    this.registry = registry;
    this.service = service;
    this.threads = threads;
    this.watcher = new QueueWatcher(service, () -> {
      stop();
      onClose.run();
    });
  }

  QueueWatcher watcher() {
    return watcher;
  }

  /** Reads the current state (not reported) and starts the loops. */
  void start() {
    if (!service.isEmpty()) {
      ConsulRegistry.Snapshot<List<Service>> now = registry.health(service, 0);
      synchronized (this) {
        known.put(service, byVersion(now.value()));
        loops.put(service, threads.submit(() -> healthLoop(service, now.index())));
      }
      return;
    }
    ConsulRegistry.Snapshot<List<String>> names = registry.catalog(0);
    for (String name : names.value()) {
      ConsulRegistry.Snapshot<List<Service>> now = registry.health(name, 0);
      synchronized (this) {
        known.put(name, byVersion(now.value()));
        loops.put(name, threads.submit(() -> healthLoop(name, now.index())));
      }
    }
    synchronized (this) {
      catalogLoop = threads.submit(() -> catalogLoop(names.index(), names.value()));
    }
  }

  private void healthLoop(String name, long startIndex) {
    long index = startIndex;
    long backoff = MIN_BACKOFF_MS;
    while (!closed && !Thread.currentThread().isInterrupted()) {
      try {
        ConsulRegistry.Snapshot<List<Service>> s = registry.health(name, index);
        index = next(index, s.index());
        diff(name, s.value());
        backoff = MIN_BACKOFF_MS;
      } catch (RuntimeException e) {
        if (closed || Thread.currentThread().isInterrupted()) {
          return;
        }
        LOG.debug("consul watch of {}: {} (retrying in {} ms)", name, e.getMessage(), backoff);
        index = 0;
        if (!sleep(backoff)) {
          return;
        }
        backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
      }
    }
  }

  private void catalogLoop(long startIndex, List<String> startNames) {
    long index = startIndex;
    long backoff = MIN_BACKOFF_MS;
    while (!closed && !Thread.currentThread().isInterrupted()) {
      try {
        ConsulRegistry.Snapshot<List<String>> s = registry.catalog(index);
        index = next(index, s.index());
        names(s.value());
        backoff = MIN_BACKOFF_MS;
      } catch (RuntimeException e) {
        if (closed || Thread.currentThread().isInterrupted()) {
          return;
        }
        LOG.debug("consul watch of the catalog: {} (retrying in {} ms)", e.getMessage(), backoff);
        index = 0;
        if (!sleep(backoff)) {
          return;
        }
        backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
      }
    }
  }

  /** Starts loops for new names (their first answer is reported) and ends those of gone names. */
  private synchronized void names(List<String> names) {
    if (closed) {
      return;
    }
    for (String name : names) {
      if (!loops.containsKey(name)) {
        known.put(name, new LinkedHashMap<>());
        loops.put(name, threads.submit(() -> healthLoop(name, 0)));
      }
    }
    for (String name : List.copyOf(loops.keySet())) {
      if (!names.contains(name)) {
        loops.remove(name).cancel(true);
        diff(name, List.of());
        known.remove(name);
      }
    }
  }

  /** Reports how {@code now} differs from what was last reported for {@code name}. */
  private synchronized void diff(String name, List<Service> now) {
    if (closed) {
      return;
    }
    Map<String, Service> before = known.getOrDefault(name, Map.of());
    Map<String, Service> after = byVersion(now);
    for (Watcher.Result r : Changes.between(before, after)) {
      watcher.offer(r.action(), r.service());
    }
    known.put(name, after);
  }

  private synchronized void stop() {
    closed = true;
    for (Future<?> f : loops.values()) {
      f.cancel(true);
    }
    loops.clear();
    if (catalogLoop != null) {
      catalogLoop.cancel(true);
    }
  }

  /** Consul's rule: an index that goes backwards starts over; an index is never below 1. */
  private static long next(long previous, long got) {
    if (got < previous) {
      return 0;
    }
    return Math.max(1, got);
  }

  private static Map<String, Service> byVersion(List<Service> services) {
    Map<String, Service> m = new LinkedHashMap<>();
    for (Service s : services) {
      m.put(s.version(), s);
    }
    return m;
  }

  private static boolean sleep(long ms) {
    try {
      TimeUnit.MILLISECONDS.sleep(ms);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
