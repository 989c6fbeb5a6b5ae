package io.micro.toolkit.cli;

import io.micro.cmd.Options;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;

/** Durations read as go-micro's flags take them and written as Go's {@code Duration.String}. */
final class Durations {
  private Durations() {}

  /**
   * Seconds ({@code 30}) or a Go duration ({@code 500ms}, {@code 30s}, {@code 1m}); zero is zero.
   *
   * @throws Json.BadInput naming {@code what} and the value
   */
  static Duration parse(String what, String text) {
    if (text.strip().matches("0+(\\.0*)?[a-zµμ]*")) {
      return Duration.ZERO;
    }
    try {
      // micro-core's duration syntax, through a flag that takes one
      return Objects.requireNonNull(Options.builder().set("register_ttl", text).build().registerTtl());
    } catch (IllegalArgumentException e) {
      throw new Json.BadInput(what + ": '" + text
          + "' (expected: seconds such as 30, or a Go duration such as 500ms, 30s, 1m)");
    }
  }

  /** {@code d} as Go prints it: {@code 0s}, {@code 750ms}, {@code 1.5µs}, {@code 1h2m3.5s}. */
  static String go(Duration d) {
    long nanos;
    try {
      nanos = d.toNanos();
    } catch (ArithmeticException e) {
      return d.toString();
    }
    if (nanos == 0) {
      return "0s";
    }
    String sign = nanos < 0 ? "-" : "";
    long n = Math.abs(nanos);
    if (n < 1_000) {
      return sign + n + "ns";
    }
    if (n < 1_000_000) {
      return sign + fraction(n, 1_000) + "µs";
    }
    if (n < 1_000_000_000) {
      return sign + fraction(n, 1_000_000) + "ms";
    }
    long h = n / 3_600_000_000_000L;
    long m = n / 60_000_000_000L % 60;
    long rest = n % 60_000_000_000L;
    StringBuilder sb = new StringBuilder(sign);
    if (h > 0) {
      sb.append(h).append('h');
    }
    if (h > 0 || m > 0) {
      sb.append(m).append('m');
    }
    return sb.append(fraction(rest, 1_000_000_000)).append('s').toString();
  }

  private static String fraction(long n, long unit) {
    return BigDecimal.valueOf(n).divide(BigDecimal.valueOf(unit)).stripTrailingZeros().toPlainString();
  }
}
