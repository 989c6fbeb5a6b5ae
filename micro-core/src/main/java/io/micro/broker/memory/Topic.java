package io.micro.broker.memory;

import io.micro.broker.Event;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** One topic of a hub: its plain subscribers' queues and its queue groups. */
final class Topic {
  final String name;
  private final List<Queue> plain = new CopyOnWriteArrayList<>();
  private final ConcurrentHashMap<String, Queue> groups = new ConcurrentHashMap<>();

  Topic(String name) {
    this.name = name;
  }

  /** The shared queue of group {@code queue}, created on first use and kept (durable). */
  Queue group(String queue) {
    return groups.computeIfAbsent(queue, q -> new Queue());
  }

  void addPlain(Queue q) {
    plain.add(q);
  }

  void removePlain(Queue q) {
    plain.remove(q);
  }

  void publish(Event event) {
    for (Queue q : plain) {
      q.offer(new Pending(event, 1));
    }
    for (Queue q : groups.values()) {
      q.offer(new Pending(event, 1));
    }
  }

  /** An event waiting for delivery, with the attempt it will be delivered as. */
  record Pending(Event event, int attempt) {}
}
