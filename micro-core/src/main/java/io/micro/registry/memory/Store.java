package io.micro.registry.memory;

import io.micro.registry.Node;
import io.micro.registry.Service;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The state of a {@link MemoryRegistry}: service name -> version -> nodes with their deadlines. All
 * methods hold the store's lock, and changes are published while it is held, so every watcher sees
 * them in the order they happened.
 */
final class Store {
  /** Receives {@code (action, service)} for every change, with the lock held. */
  interface Publisher {
    void publish(String action, Service service);
  }

  private final LongSupplier clock;
  private final Publisher publisher;
  private final Map<String, Map<String, Version>> services = new LinkedHashMap<>();

  Store(LongSupplier clock, Publisher publisher) {
    this.clock = clock;
    this.publisher = publisher;
  }

  synchronized void register(Service service, Duration ttl) {
    pruneLocked();
    long now = clock.getAsLong();
    Map<String, Version> versions =
        services.computeIfAbsent(service.name(), k -> new LinkedHashMap<>());
    Version version = versions.get(service.version());
    boolean created = version == null;
    boolean changed = false;
    if (created) {
      version = new Version(service.withNodes(List.of()));
      versions.put(service.version(), version);
    } else if (!version.template.equals(service.withNodes(List.of()))) {
      version.template = service.withNodes(List.of());
      changed = true;
    }
    for (Node node : service.nodes()) {
      Entry previous = version.nodes.put(node.id(), new Entry(node, ttl, now));
      changed |= previous == null || !previous.node.equals(node);
    }
    if (created) {
      publisher.publish("create", version.snapshot());
    } else if (changed) {
      publisher.publish("update", version.snapshot());
    }
  }

  synchronized void deregister(Service service) {
    Map<String, Version> versions = services.get(service.name());
    Version version = versions == null ? null : versions.get(service.version());
    if (version == null) {
      return;
    }
    List<Node> removed = new ArrayList<>();
    for (Node node : service.nodes()) {
      Entry entry = version.nodes.remove(node.id());
      if (entry != null) {
        removed.add(entry.node);
      }
    }
    afterRemoval(service.name(), service.version(), version, removed);
  }

  synchronized List<Service> get(String name) {
    pruneLocked();
    Map<String, Version> versions = services.get(name);
    if (versions == null) {
      return List.of();
    }
    List<Service> out = new ArrayList<>(versions.size());
    for (Version v : versions.values()) {
      out.add(v.snapshot());
    }
    return List.copyOf(out);
  }

  synchronized List<Service> list() {
    pruneLocked();
    List<Service> out = new ArrayList<>();
    for (Map<String, Version> versions : services.values()) {
      for (Version v : versions.values()) {
        out.add(v.template);
      }
    }
    return List.copyOf(out);
  }

  synchronized void prune() {
    pruneLocked();
  }

  private void pruneLocked() {
    long now = clock.getAsLong();
    for (Map<String, Version> versions : List.copyOf(services.values())) {
      for (Version version : List.copyOf(versions.values())) {
        List<Node> removed = new ArrayList<>();
        for (Iterator<Entry> it = version.nodes.values().iterator(); it.hasNext(); ) {
          Entry entry = it.next();
          if (entry.expired(now)) {
            it.remove();
            removed.add(entry.node);
          }
        }
        afterRemoval(version.template.name(), version.template.version(), version, removed);
      }
    }
  }

  /** Drops an empty version (and an empty service) and tells the watchers. */
  private void afterRemoval(String name, String versionName, Version version, List<Node> removed) {
    if (removed.isEmpty()) {
      return;
    }
    if (version.nodes.isEmpty()) {
      Map<String, Version> versions = services.get(name);
      versions.remove(versionName);
      if (versions.isEmpty()) {
        services.remove(name);
      }
    }
    publisher.publish("delete", version.template.withNodes(removed));
  }

  /** One version of a service: its data without nodes, and its nodes by id in insertion order. */
  private static final class Version {
    Service template;
    final Map<String, Entry> nodes = new LinkedHashMap<>();

    Version(Service template) {
      this.template = template;
    }

    Service snapshot() {
      List<Node> list = new ArrayList<>(nodes.size());
      for (Entry e : nodes.values()) {
        list.add(e.node);
      }
      return template.withNodes(list);
    }
  }

  /** A node and when it expires; a zero TTL never expires. */
  private record Entry(Node node, long ttlNanos, long registeredAt) {
    Entry(Node node, Duration ttl, long now) {
      this(node, ttl.isZero() ? 0 : saturatedNanos(ttl), now);
    }

    boolean expired(long now) {
      return ttlNanos != 0 && now - registeredAt >= ttlNanos;
    }

    private static long saturatedNanos(Duration d) {
      try {
        return d.toNanos();
      } catch (ArithmeticException e) {
        return Long.MAX_VALUE;
      }
    }
  }
}
