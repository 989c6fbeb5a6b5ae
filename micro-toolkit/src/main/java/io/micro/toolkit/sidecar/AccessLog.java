package io.micro.toolkit.sidecar;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Apache combined log lines, one per request, at INFO on the logger
 * {@code io.micro.toolkit.sidecar.access}:
 * {@code 127.0.0.1 - - [16/Jul/2020:17:00:46 +0000] "GET /health HTTP/1.1" 200 0 "-" "curl/8.1"}.
 */
final class AccessLog {
  private static final Logger LOG = LoggerFactory.getLogger("io.micro.toolkit.sidecar.access");
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);

  private AccessLog() {}

  static boolean enabled() {
    return LOG.isInfoEnabled();
  }

  static void log(@Nullable SocketAddress remote, String method, String uri, String protocol,
      int status, long bytes, @Nullable String referer, @Nullable String userAgent) {
    if (!LOG.isInfoEnabled()) {
      return;
    }
    LOG.info("{} - - [{}] \"{} {} {}\" {} {} \"{}\" \"{}\"", host(remote),
        TIME.format(ZonedDateTime.now()), method, uri, protocol, status, bytes,
        referer == null ? "-" : referer, userAgent == null ? "-" : userAgent);
  }

  private static String host(@Nullable SocketAddress remote) {
    if (remote instanceof InetSocketAddress a && a.getAddress() != null) {
      return a.getAddress().getHostAddress();
    }
    return "-";
  }
}
