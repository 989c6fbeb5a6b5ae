package io.micro.server;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;

/**
 * The deadline of the call the current thread is serving, taken from the caller's {@code Timeout}
 * header (nanoseconds, as go-micro sends it) when the request arrived.
 *
 * <p>The server binds it around each handler invocation, on the thread that runs the handler, like
 * {@link io.micro.metadata.Metadata#current()}. A client making a nested call from a handler should
 * use {@code min(its own timeout, Deadline.remaining())} so that downstream work does not outlive
 * the caller's patience. The server itself does not interrupt handlers; it only answers 408 without
 * invoking the handler when a call's deadline passed while it was queued.
 */
public final class Deadline {
  private static final ThreadLocal<Long> CURRENT = new ThreadLocal<>();

  private Deadline() {}

  /**
   * The time left for the call this thread serves (zero or negative once passed), or empty when the
   * thread serves no call or the caller sent no {@code Timeout}.
   */
  public static Optional<Duration> remaining() {
    Long at = CURRENT.get();
    return at == null ? Optional.empty() : Optional.of(Duration.ofNanos(at - System.nanoTime()));
  }

  /**
   * Runs {@code task} with the deadline {@code atNanos} (a {@link System#nanoTime()} value) bound,
   * restoring the previous binding after. Public for transports and tests that run handlers
   * themselves; {@code null} binds no deadline.
   */
  public static <T> T callWith(@Nullable Long atNanos, Callable<T> task) throws Exception {
    Long previous = CURRENT.get();
    if (atNanos == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(atNanos);
    }
    try {
      return task.call();
    } finally {
      if (previous == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(previous);
      }
    }
  }
}
