package io.micro.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How long to wait before an attempt of a call. Attempt 0 is the first try; a backoff usually
 * returns zero for it. Implementations are pure functions, safe for concurrent use.
 */
@FunctionalInterface
public interface Backoff {

  /** The longest delay {@link #exponential()} returns: two minutes, as go-micro. */
  Duration MAX = Duration.ofMinutes(2);

  /**
   * The delay before attempt {@code attempt} (0-based) of {@code request}.
   *
   * @return a non-negative duration
   */
  Duration delay(Request request, int attempt);

  /**
   * go-micro's backoff: {@code 100 ms * floor(attempt^e)}, so 0, 100 ms, 600 ms, 1.9 s, 4.3 s, 7.9 s, 13 s
   * ..., and {@link #MAX} for attempts above 13.
   */
  static Backoff exponential() {
    return (request, attempt) -> exponentialDelay(attempt);
  }

  /** No wait between attempts. */
  static Backoff none() {
    return (request, attempt) -> Duration.ZERO;
  }

  /** Zero before the first attempt, then {@code delay} before each retry. */
  static Backoff fixed(Duration delay) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay: " + delay + " (expected: >= 0)");
    }
    return (request, attempt) -> attempt == 0 ? Duration.ZERO : delay;
  }

  /** The value of {@link #exponential()} for {@code attempt}; negative attempts count as 0. */
  static Duration exponentialDelay(int attempt) {
    if (attempt <= 0) {
      return Duration.ZERO;
    }
    if (attempt > 13) {
      return MAX;
    }
    // go: time.Duration(math.Pow(float64(attempts), math.E)) * time.Millisecond * 100
    long units = (long) Math.pow(attempt, Math.E);
    return Duration.ofMillis(units * 100);
  }
}
