package io.micro.toolkit;

import java.util.Locale;

/** How commands print results ({@code --output}, {@code MICRO_OUTPUT}). */
public enum Output {
  /** As micro prints it: plain lines and tables, tab-indented JSON for responses. */
  TEXT,
  /** One JSON document per result, for scripts. */
  JSON;

  /**
   * The output called {@code name} ({@code text} or {@code json}, any case).
   *
   * @throws IllegalArgumentException naming the value and the accepted ones
   */
  public static Output parse(String name) {
    String n = name.strip().toLowerCase(Locale.ROOT);
    return switch (n) {
      case "text", "" -> TEXT;
      case "json" -> JSON;
      default -> throw new IllegalArgumentException(
          "output: '" + name + "' (expected: text or json)");
    };
  }
}
