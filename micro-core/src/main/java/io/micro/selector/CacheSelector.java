package io.micro.selector;

import io.micro.errors.MicroException;
import io.micro.registry.Node;
import io.micro.registry.Registry;
import io.micro.registry.Service;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default selector ({@code cache}): a per-service cache of nodes fed by the registry's watch,
 * as go-micro's cache selector.
 *
 * <ul>
 *   <li>The first selection of a service starts a watch of it (one daemon thread per service,
 *       which re-opens the watch with backoff when it fails) and looks the service up; later
 *       selections are answered from the cache, which the watch keeps current ({@code create} and
 *       {@code update} add or replace nodes, {@code delete} removes them).
 *   <li>An answer older than the {@link Builder#ttl(Duration) TTL} (default one minute, go-micro's)
 *       is looked up again, and so is a service with no cached node (a miss).
 *   <li>When the registry fails (lookup throws, watch lost), selections keep using the last known
 *       nodes, however old; only a service never seen fails, with 500 naming the service and the
 *       registry.
 *   <li>{@link #mark} with an error counts a failure of the node; after {@link
 *       Builder#failuresToBlacklist(int) N} consecutive failures (default 3) the node is left out
 *       for a {@link Builder#cooldown(Duration) cool-down} (default 30 s), then tried again; one
 *       more failure then blacklists it again, a success ({@code mark} with null) clears its
 *       record. A blacklist never empties a service: when every node is blacklisted, all are used.
 * </ul>
 *
 * <p>Thread-safe; {@link #select} does no I/O once the service is cached. {@link #close()} stops the
 * watches and clears the cache; it leaves the registry open.
 */
public final class CacheSelector implements Selector {
  private static final Logger LOG = LoggerFactory.getLogger(CacheSelector.class);

  private final Registry registry;
  private final long ttlNanos;
  private final int failuresToBlacklist;
  private final long cooldownNanos;
  private final LongSupplier clock;
  private final boolean watch;
  private final ConcurrentHashMap<String, Entry> cache = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Health> health = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, ServiceWatch> watches = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private CacheSelector(Builder b) {
    this.registry = b.registry;
    this.ttlNanos = b.ttl.toNanos();
    this.failuresToBlacklist = b.failuresToBlacklist;
    this.cooldownNanos = b.cooldown.toNanos();
    this.clock = b.clock;
    this.watch = b.watch;
  }

  /** A builder over {@code registry}. */
  public static Builder builder(Registry registry) {
    return new Builder(registry);
  }

  /** Returns {@code cache}. */
  @Override
  public String name() {
    return "cache";
  }

  /**
   * {@inheritDoc}
   *
   * @throws MicroException 500 {@code error getting service <name> from registry <registry>: ...}
   *     when the service was never cached and the registry fails
   * @throws IllegalStateException when the selector is closed
   */
  @Override
  public Next select(String service, SelectOptions options) {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(options, "options");
    if (closed) {
      throw new IllegalStateException("cache selector is closed");
    }
    List<Service> services = services(service);
    if (services.stream().allMatch(s -> s.nodes().isEmpty())) {
      throw Errors.notFound(service);
    }
    services = withoutBlacklisted(service, services);
    for (Filter filter : options.filters()) {
      services = filter.apply(services);
    }
    if (services.stream().allMatch(s -> s.nodes().isEmpty())) {
      throw Errors.noneAvailable(service);
    }
    return options.strategy().pick(services);
  }

  /**
   * Counts a failure of {@code node} when {@code error} is not null (blacklisting it after N in a
   * row); clears its record on success.
   */
  @Override
  public void mark(String service, Node node, @Nullable Throwable error) {
    String key = key(service, node.id());
    if (error == null) {
      health.remove(key);
      return;
    }
    Health h = health.computeIfAbsent(key, k -> new Health());
    synchronized (h) {
      h.failures++;
      if (h.failures >= failuresToBlacklist) {
        long now = clock.getAsLong();
        boolean wasListed = h.blacklistedUntil != 0 && now - h.blacklistedUntil < 0;
        h.blacklistedUntil = now + cooldownNanos;
        h.failures = failuresToBlacklist - 1; // after the cool-down, one more failure is enough
        if (!wasListed) {
          LOG.warn("selector: blacklisted {} node {} at {} for {} ms after {} failed calls: {}",
              service, node.id(), node.address(), cooldownNanos / 1_000_000, failuresToBlacklist,
              error.toString());
        }
      }
    }
  }

  /** Stops the watches and clears the cache; idempotent. */
  @Override
  public void close() {
    closed = true;
    for (ServiceWatch w : watches.values()) {
      w.close();
    }
    watches.clear();
    cache.clear();
    health.clear();
  }

  /** The cached versions of {@code service}, looked up when missing or expired. */
  private List<Service> services(String service) {
    Entry entry = cache.get(service);
    long now = clock.getAsLong();
    if (entry != null && entry.fresh(now, ttlNanos)) {
      return entry.services;
    }
    if (watch) {
      watches.computeIfAbsent(service, s -> new ServiceWatch(s, registry, this::apply, () -> resync(s))).start();
    }
    synchronized (lockFor(service)) {
      Entry again = cache.get(service);
      if (again != null && again != entry && again.fresh(clock.getAsLong(), ttlNanos)) {
        return again.services; // another thread looked it up meanwhile
      }
      try {
        List<Service> found = registry.getService(service);
        cache.put(service, new Entry(found, clock.getAsLong()));
        return found;
      } catch (RuntimeException e) {
        Entry stale = cache.get(service);
        if (stale != null && stale.hasNodes()) {
          LOG.debug("selector: registry {} failed, using the cached nodes of {}: {}",
              registry.name(), service, e.toString());
          return stale.services;
        }
        if (e instanceof MicroException me) {
          throw me;
        }
        throw MicroException.internalServerError(Errors.ID,
                "error getting service %s from registry %s: %s", service, registry.name(),
                e.getMessage())
            .withCause(e);
      }
    }
  }

  private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();

  private Object lockFor(String service) {
    return locks.computeIfAbsent(service, s -> new Object());
  }

  /** Marks the cached answer as expired: the watch missed changes. */
  private void resync(String service) {
    synchronized (lockFor(service)) {
      cache.computeIfPresent(service, (k, e) -> new Entry(e.services, e.fetchedAt, true));
    }
  }

  /** Applies one watch result to the cache (go-micro's merge rules). */
  private void apply(String action, Service changed) {
    String name = changed.name();
    synchronized (lockFor(name)) {
      Entry entry = cache.get(name);
      if (entry == null) {
        return; // not looked up yet: the lookup will see the change
      }
      cache.put(name,
          new Entry(Merge.apply(entry.services, action, changed), entry.fetchedAt, entry.expired));
    }
    if (action.equals("delete")) {
      for (Node n : changed.nodes()) {
        health.remove(key(name, n.id()));
      }
    }
  }

  private List<Service> withoutBlacklisted(String service, List<Service> services) {
    if (health.isEmpty()) {
      return services;
    }
    long now = clock.getAsLong();
    List<Service> out = new ArrayList<>(services.size());
    boolean any = false;
    boolean dropped = false;
    for (Service s : services) {
      List<Node> nodes = new ArrayList<>(s.nodes().size());
      for (Node n : s.nodes()) {
        Health h = health.get(key(service, n.id()));
        if (h != null && h.blacklisted(now)) {
          dropped = true;
        } else {
          nodes.add(n);
        }
      }
      any |= !nodes.isEmpty();
      out.add(nodes.size() == s.nodes().size() ? s : s.withNodes(nodes));
    }
    return dropped && any ? out : services;
  }

  private static String key(String service, String nodeId) {
    return service + '\u0000' + nodeId;
  }

  /** The cached versions of one service and when they were looked up. */
  private record Entry(List<Service> services, long fetchedAt, boolean expired) {
    Entry(List<Service> services, long fetchedAt) {
      this(services, fetchedAt, false);
    }

    boolean fresh(long now, long ttlNanos) {
      return !expired && hasNodes() && now - fetchedAt < ttlNanos;
    }

    boolean hasNodes() {
      for (Service s : services) {
        if (!s.nodes().isEmpty()) {
          return true;
        }
      }
      return false;
    }
  }

  /** Consecutive failures of one node and the end of its blacklisting (0: never listed). */
  private static final class Health {
    int failures;
    long blacklistedUntil;

    synchronized boolean blacklisted(long now) {
      return blacklistedUntil != 0 && now - blacklistedUntil < 0;
    }
  }

  /** Options of a {@link CacheSelector}; not thread-safe, use once. */
  public static final class Builder {
    private final Registry registry;
    private Duration ttl = Duration.ofMinutes(1);
    private int failuresToBlacklist = 3;
    private Duration cooldown = Duration.ofSeconds(30);
    private LongSupplier clock = System::nanoTime;
    private boolean watch = true;

    private Builder(Registry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
    }

    /**
     * How long a lookup's answer is used before it is looked up again (default one minute); the
     * watch keeps it current meanwhile.
     *
     * @throws IllegalArgumentException when not positive
     */
    public Builder ttl(Duration ttl) {
      if (ttl.isNegative() || ttl.isZero()) {
        throw new IllegalArgumentException("ttl: " + ttl + " (expected: > 0)");
      }
      this.ttl = ttl;
      return this;
    }

    /**
     * How many consecutive failed calls blacklist a node (default 3).
     *
     * @throws IllegalArgumentException when less than 1
     */
    public Builder failuresToBlacklist(int failures) {
      if (failures < 1) {
        throw new IllegalArgumentException("failuresToBlacklist: " + failures + " (expected: >= 1)");
      }
      this.failuresToBlacklist = failures;
      return this;
    }

    /**
     * How long a blacklisted node is left out (default 30 s).
     *
     * @throws IllegalArgumentException when negative
     */
    public Builder cooldown(Duration cooldown) {
      if (cooldown.isNegative()) {
        throw new IllegalArgumentException("cooldown: " + cooldown + " (expected: >= 0)");
      }
      this.cooldown = cooldown;
      return this;
    }

    /** Whether services are watched (default true); without, the cache changes only by lookups. */
    public Builder watch(boolean watch) {
      this.watch = watch;
      return this;
    }

    /** The monotonic clock in nanoseconds for the TTL and cool-downs (tests pass a manual one). */
    public Builder clock(LongSupplier nanoClock) {
      this.clock = Objects.requireNonNull(nanoClock, "nanoClock");
      return this;
    }

    /** The selector; it does not own the registry. */
    public CacheSelector build() {
      return new CacheSelector(this);
    }
  }
}
