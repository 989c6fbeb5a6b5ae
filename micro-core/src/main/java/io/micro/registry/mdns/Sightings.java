package io.micro.registry.mdns;

import io.micro.registry.Service;
import io.micro.registry.spi.QueueWatcher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * What the registry has seen of every node (its own, announced, answered, or said goodbye to), kept
 * for the TTL of the records that described it, and the watchers told about it: {@code create} for
 * a node not known, {@code update} when its data changed, {@code delete} on its goodbye or when its
 * records expire (a node that crashed sends no goodbye). Repeated sightings of the same node only
 * extend its life. Results are published under the lock, so every watcher gets them in order.
 */
final class Sightings {
  /** Records are refreshed (queried again) once this share of their TTL has passed (RFC 6762 §5.2). */
  private static final double REFRESH_AT = 0.75;

  private final LongSupplier clock;
  private final Map<String, Seen> seen = new HashMap<>();
  private final List<QueueWatcher> watchers = new CopyOnWriteArrayList<>();

  /** A node, when it was last seen, and when its records expire. */
  private static final class Seen {
    final Service service;
    final long at;
    final long expiresAt;
    boolean refreshAsked;

    Seen(Service service, long at, long ttlNanos) {
      this.service = service;
      this.at = at;
      this.expiresAt = at + ttlNanos;
    }
  }

  Sightings() {
    this(System::nanoTime);
  }

  Sightings(LongSupplier nanoClock) {
    this.clock = nanoClock;
  }

  /** Records a node with a live TTL, or its goodbye when the TTL is 0. */
  synchronized void observe(Sighting sighting) {
    if (sighting.ttl() <= 0) {
      goodbye(sighting.instanceName());
      return;
    }
    long now = clock.getAsLong();
    Seen previous =
        seen.put(key(sighting.instanceName()),
            new Seen(sighting.service(), now, TimeUnit.SECONDS.toNanos(sighting.ttl())));
    if (previous == null) {
      publish("create", sighting.service());
    } else if (!previous.service.equals(sighting.service())) {
      publish("update", sighting.service());
    }
  }

  /** Records that the node of {@code instanceName} is gone. */
  synchronized void goodbye(String instanceName) {
    Seen previous = seen.remove(key(instanceName));
    if (previous != null) {
      publish("delete", previous.service);
    }
  }

  /** Drops (and reports as deleted) every node whose records have expired. */
  synchronized void expire() {
    long now = clock.getAsLong();
    for (Iterator<Seen> it = seen.values().iterator(); it.hasNext(); ) {
      Seen s = it.next();
      if (now - s.expiresAt >= 0) {
        it.remove();
        publish("delete", s.service);
      }
    }
  }

  /**
   * The names of watched services with a node past {@link #REFRESH_AT} of its TTL that was not
   * asked about since it was last seen; each is returned once per sighting.
   */
  synchronized Set<String> dueForRefresh() {
    Set<String> due = new LinkedHashSet<>();
    if (watchers.isEmpty()) {
      return due;
    }
    long now = clock.getAsLong();
    for (Seen s : seen.values()) {
      long life = s.expiresAt - s.at;
      if (!s.refreshAsked && now - s.at >= (long) (life * REFRESH_AT) && watched(s.service.name())) {
        s.refreshAsked = true;
        due.add(s.service.name());
      }
    }
    return due;
  }

  /** The services of the live nodes of {@code name}, one entry per node. */
  synchronized List<Service> nodesOf(String name) {
    List<Service> out = new ArrayList<>();
    for (Seen s : seen.values()) {
      if (s.service.name().equals(name)) {
        out.add(s.service);
      }
    }
    return out;
  }

  /** A new watcher of {@code service} ("" for all); it unsubscribes itself when closed. */
  QueueWatcher watch(String service) {
    QueueWatcher[] self = new QueueWatcher[1];
    self[0] = new QueueWatcher(service, () -> watchers.remove(self[0]));
    watchers.add(self[0]);
    return self[0];
  }

  /** Closes every watcher. */
  void closeWatchers() {
    for (QueueWatcher w : watchers) {
      w.close();
    }
  }

  private boolean watched(String name) {
    for (QueueWatcher w : watchers) {
      if (w.wants(name)) {
        return true;
      }
    }
    return false;
  }

  private void publish(String action, Service service) {
    for (QueueWatcher w : watchers) {
      w.offer(action, service);
    }
  }

  private static String key(String name) {
    return name.toLowerCase(Locale.ROOT);
  }
}
