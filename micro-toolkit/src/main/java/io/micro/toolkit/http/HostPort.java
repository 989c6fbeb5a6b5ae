package io.micro.toolkit.http;

import java.net.InetSocketAddress;

/**
 * A parsed {@code host:port} ({@code [v6]:port}, or {@code :port} for every interface).
 *
 * @param host the host, empty for every interface
 * @param port the port, 0..65535
 */
record HostPort(String host, int port) {

  static HostPort parse(String s) {
    if (s == null) {
      throw new IllegalArgumentException("address: null (expected: host:port, e.g. 127.0.0.1:8080)");
    }
    int colon = s.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("address: '" + s + "' (expected: host:port, e.g. 127.0.0.1:8080)");
    }
    String host = s.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(s.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("address: '" + s + "' (expected: host:port with a numeric port)");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("address: '" + s + "' (expected: a port in 0..65535)");
    }
    return new HostPort(host, port);
  }

  InetSocketAddress socketAddress() {
    return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
  }
}
