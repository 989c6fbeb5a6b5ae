package io.micro.plugins.registry.consul;

/** A {@code host:port} address split and joined as go-micro does ({@code [v6]:port}). */
record HostPort(String host, int port) {

  /**
   * Splits {@code host:port} or {@code [v6]:port}; an address without a port keeps the whole text
   * as host and port 0, as go-micro does.
   */
  static HostPort split(String address) {
    int colon = address.lastIndexOf(':');
    if (colon < 0) {
      return new HostPort(address, 0);
    }
    String host = address.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.indexOf(':') >= 0) {
      return new HostPort(address, 0); // a bare IPv6 address
    }
    try {
      int port = Integer.parseInt(address.substring(colon + 1));
      return port < 0 || port > 65535 ? new HostPort(host, 0) : new HostPort(host, port);
    } catch (NumberFormatException e) {
      return new HostPort(address, 0);
    }
  }

  /** {@code host:port}, with brackets around an IPv6 host. */
  static String join(String host, int port) {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
