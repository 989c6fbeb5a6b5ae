package io.micro.registry.memory;

import io.micro.registry.Registry;
import io.micro.registry.Service;
import io.micro.registry.Watcher;
import io.micro.registry.spi.QueueWatcher;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A registry that lives in this JVM only: the test fake and the development default.
 *
 * <p>Nodes are merged by service name and version (a node id is unique within a version). Each node
 * carries its own TTL: a node not registered again within its TTL is pruned (by a background task
 * that runs every {@link Builder#pruneInterval(Duration) prune interval}, and before every lookup);
 * {@link Duration#ZERO} means the node never expires. Watchers get {@code create} when a version
 * appears, {@code update} when nodes are added or its nodes or data change, and {@code delete} when
 * nodes are removed or expire, in the order the changes happened. {@code create} and {@code update}
 * carry the version as it now is; {@code delete} carries the version with only the nodes that were
 * removed (the version itself is gone once its last node is).
 *
 * <p>Thread-safe. {@link #close()} stops the pruning task and closes every watcher.
 *
 * <pre>{@code
 * try (Registry registry = MemoryRegistry.create()) {
 *   registry.register(service, Duration.ofSeconds(60));
 *   List<Service> versions = registry.getService("go.micro.srv.greeter");
 * }
 * }</pre>
 */
public final class MemoryRegistry implements Registry {
  private final Store store;
  private final List<QueueWatcher> watchers = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService pruner;
  private volatile boolean closed;

  private MemoryRegistry(Builder builder) {
    this.store = new Store(builder.clock, this::publish);
    this.pruner =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "micro-memory-registry-pruner");
              t.setDaemon(true);
              return t;
            });
    long every = builder.pruneInterval.toNanos();
    pruner.scheduleWithFixedDelay(store::prune, every, every, TimeUnit.NANOSECONDS);
  }

  /** A registry with the default settings (prune every second). */
  public static MemoryRegistry create() {
    return builder().build();
  }

  /** A builder with the default settings. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns {@code memory}. */
  @Override
  public String name() {
    return "memory";
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException when the service has no node or the TTL is negative
   * @throws IllegalStateException when the registry is closed
   */
  @Override
  public void register(Service service, Duration ttl) {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative()) {
      throw new IllegalArgumentException("ttl: " + ttl + " (expected: >= 0)");
    }
    if (service.nodes().isEmpty()) {
      throw new IllegalArgumentException(
          "service " + service.name() + ": no nodes (expected: at least one node)");
    }
    checkOpen();
    store.register(service, ttl);
  }

  /** {@inheritDoc} Nodes that are not registered are ignored. */
  @Override
  public void deregister(Service service) {
    Objects.requireNonNull(service, "service");
    checkOpen();
    store.deregister(service);
  }

  /** {@inheritDoc} The services are immutable snapshots. */
  @Override
  public List<Service> getService(String name) {
    Objects.requireNonNull(name, "name");
    checkOpen();
    return store.get(name);
  }

  /** {@inheritDoc} The entries carry no nodes. */
  @Override
  public List<Service> listServices() {
    checkOpen();
    return store.list();
  }

  /** {@inheritDoc} The watcher must be closed by the caller (or by closing the registry). */
  @Override
  public Watcher watch(String service) {
    Objects.requireNonNull(service, "service");
    checkOpen();
    QueueWatcher[] self = new QueueWatcher[1];
    self[0] = new QueueWatcher(service, () -> watchers.remove(self[0]));
    watchers.add(self[0]);
    return self[0];
  }

  /** Stops pruning and closes every watcher; idempotent. */
  @Override
  public void close() {
    closed = true;
    pruner.shutdownNow();
    for (QueueWatcher w : watchers) {
      w.close();
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("memory registry is closed");
    }
  }

  /** Called with the store's lock held, so results reach each watcher in order. */
  private void publish(String action, Service service) {
    for (QueueWatcher w : watchers) {
      w.offer(action, service);
    }
  }

  /** Options of a {@link MemoryRegistry}; not thread-safe, use once. */
  public static final class Builder {
    private Duration pruneInterval = Duration.ofSeconds(1);
    private LongSupplier clock = System::nanoTime;

    private Builder() {}

    /**
     * How often expired nodes are looked for (default one second); expired nodes are also dropped
     * before every lookup.
     *
     * @throws IllegalArgumentException when not positive
     */
    public Builder pruneInterval(Duration interval) {
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("pruneInterval: " + interval + " (expected: > 0)");
      }
      this.pruneInterval = interval;
      return this;
    }

    /**
     * The monotonic clock in nanoseconds that TTLs are measured with (default {@link
     * System#nanoTime()}); tests pass a manual clock.
     */
    public Builder clock(LongSupplier nanoClock) {
      this.clock = Objects.requireNonNull(nanoClock, "nanoClock");
      return this;
    }

    /** A new registry; it starts its pruning task at once. */
    public MemoryRegistry build() {
      return new MemoryRegistry(this);
    }
  }
}
