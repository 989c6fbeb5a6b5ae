package io.micro.broker.memory;

import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** Events waiting for a subscriber or for one member of a group; unbounded, thread-safe. */
final class Queue {
  private final LinkedBlockingDeque<Topic.Pending> pending = new LinkedBlockingDeque<>();

  void offer(Topic.Pending p) {
    pending.addLast(p);
  }

  /** Puts a failed event back at the head, so that order is kept as far as possible. */
  void redeliver(Topic.Pending p) {
    pending.addFirst(p);
  }

  Topic.@Nullable Pending poll(long millis) throws InterruptedException {
    return pending.pollFirst(millis, TimeUnit.MILLISECONDS);
  }

  int size() {
    return pending.size();
  }
}
