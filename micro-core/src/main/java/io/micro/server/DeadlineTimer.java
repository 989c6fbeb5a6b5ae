package io.micro.server;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs the deadlines of the server's streams: one daemon thread for the JVM, whose tasks only
 * cancel a call (they never run user code). A stream that finishes cancels its timer, which is then
 * removed at once, so calls with long deadlines do not pile up until their deadlines pass.
 */
final class DeadlineTimer {
  private static final ScheduledThreadPoolExecutor TIMER = create();

  private DeadlineTimer() {}

  private static ScheduledThreadPoolExecutor create() {
    ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
      Thread thread = new Thread(r, "micro-stream-deadlines");
      thread.setDaemon(true);
      return thread;
    });
    t.setRemoveOnCancelPolicy(true);
    return t;
  }

  /** Timers waiting to run (for tests). */
  static int pending() {
    return TIMER.getQueue().size();
  }

  /** Runs {@code task} in {@code nanos} nanoseconds unless the returned future is cancelled first. */
  static ScheduledFuture<?> after(long nanos, Runnable task) {
    return TIMER.schedule(task, nanos, TimeUnit.NANOSECONDS);
  }
}
