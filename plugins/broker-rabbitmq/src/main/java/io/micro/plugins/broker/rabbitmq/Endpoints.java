package io.micro.plugins.broker.rabbitmq;

import com.rabbitmq.client.Address;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The RabbitMQ nodes to connect to, parsed from {@code --broker_address}: {@code host[:port]} items
 * ({@code [v6]:port} for IPv6) or AMQP URIs {@code amqp[s]://user:pass@host:port/vhost} as go-micro
 * takes them. Credentials and virtual host come from the first URI that has them.
 */
record Endpoints(List<Address> addresses, boolean tls, @Nullable String username,
    @Nullable String password, @Nullable String virtualHost) {

  static final int AMQP_PORT = 5672;
  static final int AMQPS_PORT = 5671;

  /** Parses {@code items}; empty means go-micro's default {@code 127.0.0.1:5672}. */
  static Endpoints parse(List<String> items) {
    List<Address> addresses = new ArrayList<>();
    boolean tls = false;
    String user = null;
    String pass = null;
    String vhost = null;
    for (String raw : items) {
      for (String item : raw.split(",")) {
        String s = item.strip();
        if (s.isEmpty()) {
          continue;
        }
        if (s.startsWith("amqp://") || s.startsWith("amqps://")) {
          URI uri = uri(s);
          boolean secure = "amqps".equals(uri.getScheme());
          tls |= secure;
          if (uri.getHost() == null) {
            throw new IllegalArgumentException("broker address: " + s + " (expected: amqp://[user:pass@]host[:port][/vhost])");
          }
          String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
          addresses.add(new Address(host, uri.getPort() > 0 ? uri.getPort() : secure ? AMQPS_PORT : AMQP_PORT));
          if (uri.getRawUserInfo() != null && user == null) {
            String[] up = uri.getRawUserInfo().split(":", 2);
            user = decode(up[0]);
            pass = up.length > 1 ? decode(up[1]) : "";
          }
          String path = uri.getRawPath();
          if (vhost == null && path != null && path.length() > 1) {
            vhost = decode(path.substring(1));
          }
        } else {
          addresses.add(hostPort(s));
        }
      }
    }
    if (addresses.isEmpty()) {
      addresses.add(new Address("127.0.0.1", AMQP_PORT));
    }
    return new Endpoints(List.copyOf(addresses), tls, user, pass, vhost);
  }

  /** Never shows the password. */
  @Override
  public String toString() {
    return "Endpoints[" + display() + (tls ? ", tls" : "") + (username != null ? ", user " + username : "")
        + (virtualHost != null ? ", vhost " + virtualHost : "") + "]";
  }

  /** {@code host:port,host:port}, without credentials. */
  String display() {
    return addresses.stream()
        .map(a -> (a.getHost().contains(":") ? "[" + a.getHost() + "]" : a.getHost()) + ":" + a.getPort())
        .collect(Collectors.joining(","));
  }

  private static Address hostPort(String s) {
    String host;
    String port = null;
    if (s.startsWith("[")) {
      int end = s.indexOf(']');
      if (end < 0) {
        throw new IllegalArgumentException("broker address: " + s + " (expected: [ipv6]:port)");
      }
      host = s.substring(1, end);
      if (s.length() > end + 1) {
        if (s.charAt(end + 1) != ':') {
          throw new IllegalArgumentException("broker address: " + s + " (expected: [ipv6]:port)");
        }
        port = s.substring(end + 2);
      }
    } else {
      int colon = s.lastIndexOf(':');
      if (colon >= 0 && s.indexOf(':') == colon) {
        host = s.substring(0, colon);
        port = s.substring(colon + 1);
      } else {
        host = s;
      }
    }
    if (host.isEmpty()) {
      throw new IllegalArgumentException("broker address: " + s + " (expected: host:port)");
    }
    if (port == null) {
      return new Address(host, AMQP_PORT);
    }
    try {
      int p = Integer.parseInt(port);
      if (p < 1 || p > 65535) {
        throw new NumberFormatException();
      }
      return new Address(host, p);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("broker address: " + s + " (expected: host:port with a port 1-65535)");
    }
  }

  private static URI uri(String s) {
    try {
      return new URI(s);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("broker address: " + s + " (expected: amqp://[user:pass@]host[:port][/vhost]): "
          + e.getMessage());
    }
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
