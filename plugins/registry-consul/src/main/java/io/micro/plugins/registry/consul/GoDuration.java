package io.micro.plugins.registry.consul;

import java.time.Duration;

/**
 * Durations written as Go's {@code time.Duration.String()} writes them ({@code 30s}, {@code 1m5s},
 * {@code 1h0m0s}, {@code 1.5s}, {@code 500ms}), the form go-micro sends Consul for TTLs.
 */
final class GoDuration {
  private static final long SECOND = 1_000_000_000L;

  private GoDuration() {}

  /** Go's text for {@code d}; durations beyond ±292 years are clamped as Go's int64 would be. */
  static String format(Duration d) {
    long n;
    try {
      n = d.toNanos();
    } catch (ArithmeticException e) {
      n = d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    if (n == 0) {
      return "0s";
    }
    String sign = n < 0 ? "-" : "";
    // Long.MIN_VALUE has no positive counterpart; its magnitude is handled as unsigned below
    long u = n == Long.MIN_VALUE ? Long.MIN_VALUE : Math.abs(n);
    if (Long.compareUnsigned(u, SECOND) < 0) {
      if (u < 1_000L) {
        return sign + u + "ns";
      }
      if (u < 1_000_000L) {
        return sign + (u / 1_000L) + fraction(u % 1_000L, 3) + "\u00b5s";
      }
      return sign + (u / 1_000_000L) + fraction(u % 1_000_000L, 6) + "ms";
    }
    long secs = Long.divideUnsigned(u, SECOND);
    long nanos = Long.remainderUnsigned(u, SECOND);
    StringBuilder out = new StringBuilder(sign);
    long minutes = secs / 60;
    if (minutes > 0) {
      long hours = minutes / 60;
      if (hours > 0) {
        out.append(hours).append('h');
      }
      out.append(minutes % 60).append('m');
    }
    return out.append(secs % 60).append(fraction(nanos, 9)).append('s').toString();
  }

  /** {@code .ddd} with trailing zeros removed, or nothing when {@code value} is zero. */
  private static String fraction(long value, int digits) {
    if (value == 0) {
      return "";
    }
    StringBuilder s = new StringBuilder(Long.toString(value));
    while (s.length() < digits) {
      s.insert(0, '0');
    }
    int end = s.length();
    while (s.charAt(end - 1) == '0') {
      end--;
    }
    return "." + s.substring(0, end);
  }
}
