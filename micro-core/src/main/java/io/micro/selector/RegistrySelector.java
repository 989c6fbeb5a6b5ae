package io.micro.selector;

import io.micro.errors.MicroException;
import io.micro.registry.Node;
import io.micro.registry.Registry;
import io.micro.registry.Service;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The plain selector ({@code registry}; the default is {@link CacheSelector}): looks services up in a {@link Registry}, keeps each
 * answer for a short {@link Builder#cacheTtl(Duration) time}, applies the filters, then the
 * strategy.
 *
 * <p>Concurrent lookups of one service share a single registry call. An empty answer is never
 * cached. When the registry fails, the last answer is used even if it is older than the TTL; a
 * failed call reported through {@link #mark} drops the service's cached answer so that the next
 * selection asks the registry again.
 *
 * <p>Thread-safe. Closing the selector clears its cache and leaves the registry open.
 */
public final class RegistrySelector implements Selector {
  private final Registry registry;
  private final long ttlNanos;
  private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, CompletableFuture<List<Service>>> inflight =
      new ConcurrentHashMap<>();

  private RegistrySelector(Builder builder) {
    this.registry = builder.registry;
    this.ttlNanos = builder.cacheTtl.toNanos();
  }

  /** A builder over {@code registry}. */
  public static Builder builder(Registry registry) {
    return new Builder(registry);
  }

  /** Returns {@code registry}. */
  @Override
  public String name() {
    return "registry";
  }

  /** {@inheritDoc} */
  @Override
  public Next select(String service, SelectOptions options) {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(options, "options");
    List<Service> services = lookup(service);
    if (services.stream().allMatch(s -> s.nodes().isEmpty())) {
      throw Errors.notFound(service);
    }
    for (Filter filter : options.filters()) {
      services = filter.apply(services);
    }
    if (services.stream().allMatch(s -> s.nodes().isEmpty())) {
      throw Errors.noneAvailable(service);
    }
    return options.strategy().pick(services);
  }

  /** Drops the cached answer for {@code service} when {@code error} is not null. */
  @Override
  public void mark(String service, Node node, @Nullable Throwable error) {
    if (error != null) {
      cache.remove(service);
    }
  }

  /** Clears the cache. */
  @Override
  public void close() {
    cache.clear();
  }

  private List<Service> lookup(String service) {
    Cached cached = cache.get(service);
    if (cached != null && System.nanoTime() - cached.at < ttlNanos) {
      return cached.services;
    }
    CompletableFuture<List<Service>> mine = new CompletableFuture<>();
    CompletableFuture<List<Service>> running = inflight.putIfAbsent(service, mine);
    if (running != null) {
      try {
        return running.join();
      } catch (CompletionException e) {
        return staleOr(cached, service, e.getCause());
      }
    }
    try {
      List<Service> services = registry.getService(service);
      if (!services.isEmpty() && ttlNanos > 0) {
        cache.put(service, new Cached(services, System.nanoTime()));
      }
      mine.complete(services);
      return services;
    } catch (RuntimeException e) {
      mine.completeExceptionally(e);
      return staleOr(cached, service, e);
    } finally {
      inflight.remove(service, mine);
    }
  }

  private static List<Service> staleOr(@Nullable Cached cached, String service, Throwable error) {
    if (cached != null) {
      return cached.services;
    }
    if (error instanceof MicroException me) {
      throw me;
    }
    throw MicroException.internalServerError(
            Errors.ID, "error getting service %s: %s", service, error.getMessage())
        .withCause(error);
  }

  private record Cached(List<Service> services, long at) {}

  /** Options of a {@link RegistrySelector}; not thread-safe, use once. */
  public static final class Builder {
    private final Registry registry;
    private Duration cacheTtl = Duration.ofSeconds(1);

    private Builder(Registry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
    }

    /**
     * How long an answer of the registry is reused (default one second); {@link Duration#ZERO}
     * asks the registry on every selection.
     *
     * @throws IllegalArgumentException when negative
     */
    public Builder cacheTtl(Duration ttl) {
      if (ttl.isNegative()) {
        throw new IllegalArgumentException("cacheTtl: " + ttl + " (expected: >= 0)");
      }
      this.cacheTtl = ttl;
      return this;
    }

    /** The selector; it does not take ownership of the registry. */
    public RegistrySelector build() {
      return new RegistrySelector(this);
    }
  }
}
