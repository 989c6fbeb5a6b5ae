package io.micro.server;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The address a server registers: what clients elsewhere can dial. */
final class Addresses {
  private Addresses() {}

  /**
   * {@code advertise} when given, else {@code bound} with an unspecified host ({@code 0.0.0.0},
   * {@code ::}, empty) replaced by a private IPv4 address of this machine, falling back to
   * {@code 127.0.0.1}.
   */
  static String registered(String advertise, String bound) {
    if (!advertise.isBlank()) {
      return advertise.strip();
    }
    int colon = bound.lastIndexOf(':');
    String host = colon < 0 ? bound : bound.substring(0, colon);
    String port = colon < 0 ? "" : bound.substring(colon + 1);
    String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (bare.isEmpty() || bare.equals("0.0.0.0") || bare.equals("::") || bare.equals("0:0:0:0:0:0:0:0")) {
      return privateIp() + ":" + port;
    }
    return bound;
  }

  private static String privateIp() {
    List<InetAddress> candidates = new ArrayList<>();
    try {
      for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nif.isUp() || nif.isLoopback()) {
          continue;
        }
        for (InetAddress a : Collections.list(nif.getInetAddresses())) {
          if (a instanceof Inet4Address && a.isSiteLocalAddress()) {
            candidates.add(a);
          }
        }
      }
    } catch (SocketException | RuntimeException e) {
      return "127.0.0.1";
    }
    return candidates.isEmpty() ? "127.0.0.1" : candidates.get(0).getHostAddress();
  }
}
