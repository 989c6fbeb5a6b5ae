package io.micro.registry.mdns;

import io.micro.registry.Service;
import io.micro.registry.spi.QueueWatcher;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * What the registry has seen of every node (its own, announced, answered, or said goodbye to), and
 * the watchers told about it: {@code create} for a node not seen before (or not for longer than the
 * record TTL), {@code update} when its data changed, {@code delete} on its goodbye. Repeated
 * announcements of the same node are reported once. Results are published under the lock, so every
 * watcher gets them in order.
 */
final class Sightings {
  private static final long FORGET_NANOS = TimeUnit.SECONDS.toNanos(Instance.TTL);

  private final Map<String, Seen> seen = new HashMap<>();
  private final List<QueueWatcher> watchers = new CopyOnWriteArrayList<>();

  private record Seen(Service service, long at) {}

  /** Records a node with a live TTL, or its goodbye when the TTL is 0. */
  synchronized void observe(Sighting sighting) {
    if (sighting.ttl() == 0) {
      goodbye(sighting.instanceName());
      return;
    }
    long now = System.nanoTime();
    Seen previous = seen.put(key(sighting.instanceName()), new Seen(sighting.service(), now));
    if (previous == null || now - previous.at > FORGET_NANOS) {
      publish("create", sighting.service());
    } else if (!previous.service.equals(sighting.service())) {
      publish("update", sighting.service());
    }
    if (seen.size() > 4096) {
      seen.values().removeIf(s -> now - s.at > FORGET_NANOS);
    }
  }

  /** Records that the node of {@code instanceName} is gone. */
  synchronized void goodbye(String instanceName) {
    Seen previous = seen.remove(key(instanceName));
    if (previous != null) {
      publish("delete", previous.service);
    }
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

  private void publish(String action, Service service) {
    for (QueueWatcher w : watchers) {
      w.offer(action, service);
    }
  }

  private static String key(String name) {
    return name.toLowerCase(Locale.ROOT);
  }
}
