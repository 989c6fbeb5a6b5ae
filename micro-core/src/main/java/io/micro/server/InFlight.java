package io.micro.server;

import java.time.Duration;

/** Counts calls between arrival and reply, so that a shutdown can wait for them to drain. */
final class InFlight {
  private int count;

  synchronized void begin() {
    count++;
  }

  synchronized void end() {
    if (--count <= 0) {
      count = 0;
      notifyAll();
    }
  }

  synchronized int count() {
    return count;
  }

  /** Waits until no call is in flight or {@code grace} passed; true when drained. */
  synchronized boolean awaitDrained(Duration grace) throws InterruptedException {
    long end = System.nanoTime() + grace.toNanos();
    while (count > 0) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000), 0);
    }
    return true;
  }
}
