package io.micro.registry.mdns;

import io.netty.util.NetUtil;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;

/** Finds the one network interface mDNS runs on, and the name of this host. */
final class Interfaces {
  private Interfaces() {}

  /**
   * The interface named {@code nameOrAddress} ({@code lo}, {@code eth0}) or holding that address
   * ({@code 127.0.0.1}); the loopback interface when empty.
   *
   * @throws IllegalArgumentException when there is no such interface, or it is down
   */
  static NetworkInterface find(String nameOrAddress) {
    try {
      NetworkInterface iface;
      if (nameOrAddress.isEmpty()) {
        iface = NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
        if (iface == null) {
          iface =
              Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                  .filter(Interfaces::isLoopback)
                  .findFirst()
                  .orElse(null);
        }
      } else {
        iface = NetworkInterface.getByName(nameOrAddress);
        InetAddress literal = NetUtil.createInetAddressFromIpAddressString(nameOrAddress);
        if (iface == null && literal != null) {
          iface = NetworkInterface.getByInetAddress(literal);
        }
      }
      String what = nameOrAddress.isEmpty() ? "loopback" : nameOrAddress;
      if (iface == null) {
        throw new IllegalArgumentException(
            "mdns interface: '" + what + "' not found (expected: an interface name such as lo or"
                + " eth0, or one of its addresses)");
      }
      if (!iface.isUp()) {
        throw new IllegalArgumentException(
            "mdns interface: '" + iface.getName() + "' is down (expected: an interface that is up)");
      }
      return iface;
    } catch (SocketException e) {
      throw new UncheckedIOException("mdns interface: cannot list interfaces: " + e.getMessage(), e);
    }
  }

  /**
   * The first IPv4 address of {@code iface}: queries are sent from it.
   *
   * @throws IllegalArgumentException when it has none
   */
  static InetAddress ipv4(NetworkInterface iface) {
    return Collections.list(iface.getInetAddresses()).stream()
        .filter(a -> a instanceof Inet4Address)
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "mdns interface: '" + iface.getName() + "' has no IPv4 address (expected: one,"
                        + " mDNS runs on 224.0.0.251)"));
  }

  /** This host's name as the kernel knows it, or {@code localhost}; never does a DNS lookup. */
  static String hostName() {
    try {
      Path kernel = Path.of("/proc/sys/kernel/hostname");
      if (Files.isReadable(kernel)) {
        return Files.readString(kernel, StandardCharsets.UTF_8).strip();
      }
    } catch (IOException | RuntimeException ignored) {
      // falls back below
    }
    String env = System.getenv("HOSTNAME");
    if (env == null) {
      env = System.getenv("COMPUTERNAME");
    }
    return env == null ? "localhost" : env;
  }

  private static boolean isLoopback(NetworkInterface iface) {
    try {
      return iface.isLoopback();
    } catch (SocketException e) {
      return false;
    }
  }
}
