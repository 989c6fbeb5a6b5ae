package io.micro.registry.mdns;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** DNS names and node addresses as go-micro's mDNS registry forms them. */
final class Names {
  private Names() {}

  /** {@code <service>.<domain>.}: the PTR name clients query. */
  static String service(String service, String domain) {
    return checked(service + "." + domain + ".", "service " + service);
  }

  /** {@code <nodeId>.<service>.<domain>.}: the name of one node's SRV and TXT records. */
  static String instance(String nodeId, String service, String domain) {
    return checked(nodeId + "." + service + "." + domain + ".", "node " + nodeId);
  }

  /** {@code _services.<domain>.}: the PTR name that lists every service (go-micro's wildcard). */
  static String services(String domain) {
    return "_services." + domain + ".";
  }

  /** {@code <service>._services.<domain>.}: the wildcard instance of one service. */
  static String wildcard(String service, String domain) {
    return checked(service + "._services." + domain + ".", "service " + service);
  }

  /** {@code _services._dns-sd._udp.<domain>.}: the DNS-SD enumeration name. */
  static String enumeration(String domain) {
    return "_services._dns-sd._udp." + domain + ".";
  }

  /** Whether two names are the same, ignoring ASCII case as DNS does. */
  static boolean same(String a, String b) {
    return a.equalsIgnoreCase(b);
  }

  /** {@code name} without {@code suffix} (ignoring case), or null when it does not end so. */
  static String strip(String name, String suffix) {
    if (name.length() <= suffix.length()) {
      return null;
    }
    String tail = name.substring(name.length() - suffix.length());
    return tail.equalsIgnoreCase(suffix) ? name.substring(0, name.length() - suffix.length()) : null;
  }

  /**
   * Splits a node's {@code host:port} ({@code [v6]:port} for IPv6); the host must be an IP
   * literal, as in go-micro.
   *
   * @throws IllegalArgumentException naming the address otherwise
   */
  static InetSocketAddress address(String nodeAddress) {
    int colon = nodeAddress.lastIndexOf(':');
    String host = colon < 0 ? "" : nodeAddress.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    InetAddress ip = NetUtil.createInetAddressFromIpAddressString(host);
    int port = -1;
    try {
      port = colon < 0 ? -1 : Integer.parseInt(nodeAddress.substring(colon + 1));
    } catch (NumberFormatException ignored) {
      // reported below
    }
    if (ip == null || port < 1 || port > 65535) {
      throw new IllegalArgumentException(
          "node address: '" + nodeAddress + "' (expected: ip:port, e.g. 127.0.0.1:8080 or [::1]:8080)");
    }
    return new InetSocketAddress(ip, port);
  }

  /** {@code host:port} as go-micro writes it ({@code [v6]:port}). */
  static String join(InetAddress ip, int port) {
    String host = NetUtil.toAddressString(ip);
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  /** A host name usable as a DNS name: invalid characters become {@code -}; lower case. */
  static String hostLabel(String hostName) {
    String cleaned = hostName.strip().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-");
    cleaned = cleaned.replaceAll("\\.+$", "").replaceAll("^\\.+", "");
    return cleaned.isEmpty() ? "localhost" : cleaned;
  }

  private static String checked(String name, String what) {
    for (String label : name.split("\\.")) {
      int n = label.getBytes(StandardCharsets.UTF_8).length;
      if (n == 0 || n > 63) {
        throw new IllegalArgumentException(
            what + ": DNS label '" + label + "' of " + n + " bytes in " + name
                + " (expected: 1 to 63 bytes between dots)");
      }
    }
    if (name.length() > 254) {
      throw new IllegalArgumentException(
          what + ": DNS name of " + name.length() + " characters (expected: <= 253)");
    }
    return name;
  }
}
