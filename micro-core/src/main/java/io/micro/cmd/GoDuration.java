package io.micro.cmd;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * Parses durations as go-micro's flags take them: a plain number is seconds ({@code 30},
 * {@code 1.5}), otherwise Go's {@code time.ParseDuration} syntax ({@code 500ms}, {@code 5s},
 * {@code 1m30s}, {@code 2h}; units {@code ns us µs ms s m h}).
 */
final class GoDuration {
  private GoDuration() {}

  static Duration parse(String flag, String text) {
    String s = text.strip();
    try {
      if (!s.isEmpty() && s.chars().allMatch(c -> Character.isDigit(c) || c == '.')) {
        return nanos(new BigDecimal(s).multiply(BigDecimal.valueOf(1_000_000_000L)));
      }
      BigDecimal total = BigDecimal.ZERO;
      int i = 0;
      if (s.isEmpty()) {
        throw new NumberFormatException();
      }
      while (i < s.length()) {
        int start = i;
        while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
          i++;
        }
        int unitStart = i;
        while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
          i++;
        }
        if (start == unitStart || unitStart == i) {
          throw new NumberFormatException();
        }
        BigDecimal n = new BigDecimal(s.substring(start, unitStart));
        total = total.add(n.multiply(BigDecimal.valueOf(unitNanos(s.substring(unitStart, i)))));
      }
      return nanos(total);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException(flag + ": '" + text
          + "' (expected: seconds such as 30, or a Go duration such as 500ms, 5s, 1m30s)");
    }
  }

  private static long unitNanos(String unit) {
    return switch (unit) {
      case "ns" -> 1L;
      case "us", "µs", "μs" -> 1_000L;
      case "ms" -> 1_000_000L;
      case "s" -> 1_000_000_000L;
      case "m" -> 60_000_000_000L;
      case "h" -> 3_600_000_000_000L;
      default -> throw new NumberFormatException(unit);
    };
  }

  private static Duration nanos(BigDecimal n) {
    return Duration.ofNanos(n.setScale(0, java.math.RoundingMode.HALF_UP).longValueExact());
  }
}
