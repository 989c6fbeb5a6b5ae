package io.micro.registry.mdns;

import java.net.InetAddress;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One resource record of the kinds mDNS discovery uses, decoded: PTR ({@code target}), SRV ({@code
 * port}, {@code target}), TXT ({@code strings}), A and AAAA ({@code address}). Names are absolute,
 * with the trailing dot.
 *
 * @param type the DNS type code ({@link #PTR}, {@link #SRV}, ...)
 * @param ttl seconds; 0 is a goodbye
 */
record Rr(
    String name,
    int type,
    long ttl,
    @Nullable String target,
    int port,
    List<String> strings,
    @Nullable InetAddress address) {
  static final int A = 1;
  static final int PTR = 12;
  static final int TXT = 16;
  static final int AAAA = 28;
  static final int SRV = 33;
  static final int ANY = 255;

  Rr {
    strings = List.copyOf(strings);
  }

  static Rr ptr(String name, long ttl, String target) {
    return new Rr(name, PTR, ttl, target, 0, List.of(), null);
  }

  static Rr srv(String name, long ttl, int port, String target) {
    return new Rr(name, SRV, ttl, target, port, List.of(), null);
  }

  static Rr txt(String name, long ttl, List<String> strings) {
    return new Rr(name, TXT, ttl, null, 0, strings, null);
  }

  static Rr address(String name, long ttl, InetAddress address) {
    int type = address.getAddress().length == 4 ? A : AAAA;
    return new Rr(name, type, ttl, null, 0, List.of(), address);
  }

  /** The same record with another TTL. */
  Rr withTtl(long newTtl) {
    return new Rr(name, type, newTtl, target, port, strings, address);
  }
}
