package io.micro.toolkit.http;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Formats Apache combined log lines, as micro's listeners write them. */
final class AccessLog {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);

  private AccessLog() {}

  /** {@code 127.0.0.1 - - [16/Jul/2020:17:00:46 +0000] "GET /x HTTP/1.1" 500 0 "" "curl/7.64.1"}. */
  static String line(String ip, ZonedDateTime time, String method, String uri, String protocol,
      int status, long bytes, @Nullable String referer, @Nullable String userAgent) {
    return ip + " - - [" + TIME.format(time) + "] \"" + clean(method) + " " + clean(uri) + " " + protocol
        + "\" " + status + " " + bytes + " \"" + clean(referer) + "\" \"" + clean(userAgent) + "\"";
  }

  private static String clean(@Nullable String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\' || c < 0x20 || c == 0x7f) {
        if (b == null) {
          b = new StringBuilder(s.length() + 8).append(s, 0, i);
        }
        b.append(String.format("\\x%02x", (int) c));
      } else if (b != null) {
        b.append(c);
      }
    }
    return b == null ? s : b.toString();
  }
}
