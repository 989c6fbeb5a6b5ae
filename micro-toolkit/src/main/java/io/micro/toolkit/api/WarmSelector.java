package io.micro.toolkit.api;

import io.micro.registry.Node;
import io.micro.selector.Next;
import io.micro.selector.SelectOptions;
import io.micro.selector.Selector;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The gateway's selector: remembers the last selection of each service for a short while, so that
 * a call to a service selected a moment ago does no registry I/O and can start on the event loop.
 * A failure reported for one of its nodes forgets the service (the next call selects afresh, off
 * the event loop). Selections with filters or another strategy always go to the selector below.
 */
final class WarmSelector implements Selector {
  private final Selector delegate;
  private final long freshNanos;
  private final long marginNanos;
  private final LongSupplier clock;
  private final ConcurrentHashMap<String, Warm> warm = new ConcurrentHashMap<>();

  private record Warm(Next next, long at) {}

  WarmSelector(Selector delegate, Duration fresh) {
    this(delegate, fresh, System::nanoTime);
  }

  WarmSelector(Selector delegate, Duration fresh, LongSupplier clock) {
    this.delegate = delegate;
    this.freshNanos = fresh.toNanos();
    this.marginNanos = Math.min(fresh.toNanos() / 2, Duration.ofSeconds(1).toNanos());
    this.clock = clock;
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public Next select(String service, SelectOptions options) {
    if (!plain(options)) {
      return delegate.select(service, options);
    }
    long now = clock.getAsLong();
    Warm w = warm.get(service);
    if (w != null && now - w.at < freshNanos) {
      return w.next;
    }
    Next next = delegate.select(service, options);
    warm.put(service, new Warm(next, now));
    return next;
  }

  /** Whether a plain selection of {@code service} is answered from memory for a while yet. */
  boolean isWarm(String service) {
    Warm w = warm.get(service);
    return w != null && clock.getAsLong() - w.at < freshNanos - marginNanos;
  }

  @Override
  public void mark(String service, Node node, @Nullable Throwable error) {
    delegate.mark(service, node, error);
    if (error != null) {
      warm.remove(service);
    }
  }

  /** Forgets every selection; the selector below is not closed (it is not this one's). */
  @Override
  public void close() {
    warm.clear();
  }

  private static boolean plain(SelectOptions o) {
    return o.filters().isEmpty() && o.strategy() == SelectOptions.DEFAULT.strategy();
  }
}
