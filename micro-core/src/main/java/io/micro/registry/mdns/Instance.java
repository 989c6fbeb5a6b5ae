package io.micro.registry.mdns;

import io.micro.registry.Node;
import io.micro.registry.Service;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * One node this process serves over mDNS, with the records that describe it: SRV (priority 10,
 * weight 1, port, host), A or AAAA (host -> node IP) and TXT (the encoded service data), all with
 * the record TTL {@code ttl} (the registration TTL in whole seconds; go-micro always sends 120).
 *
 * @param service the service with this node only
 * @param serviceName {@code <service>.<domain>.}
 * @param instanceName {@code <nodeId>.<service>.<domain>.}
 * @param host the SRV target, {@code <hostname>.}
 */
record Instance(
    Service service,
    String serviceName,
    String instanceName,
    String host,
    InetSocketAddress address,
    List<String> txt,
    long ttl) {
  /** The TTL of live records, as go-micro sends them; ours when the registration has no TTL. */
  static final long TTL = 120;

  /** The record TTL for a registration TTL: whole seconds, rounded up; {@link #TTL} for zero. */
  static long recordTtl(java.time.Duration registrationTtl) {
    if (registrationTtl.isZero()) {
      return TTL;
    }
    long millis = registrationTtl.toMillis();
    return Math.max(1, Math.min(0x7fffffffL, (millis + 999) / 1000));
  }

  /**
   * The records of {@code node} of {@code service}.
   *
   * @throws IllegalArgumentException when the id, name or address cannot be put in DNS records
   */
  static Instance of(Service service, Node node, String domain, String host, long ttl) {
    InetSocketAddress address = Names.address(node.address());
    List<String> txt =
        TxtCodec.encode(
            new TxtCodec.Txt(node.metadata(), service.name(), service.version(), service.endpoints()));
    return new Instance(
        service.withNodes(List.of(node)),
        Names.service(service.name(), domain),
        Names.instance(node.id(), service.name(), domain),
        host,
        address,
        txt,
        ttl);
  }

  /** SRV, A/AAAA and TXT with {@code ttl}: an announcement, or a goodbye when {@code ttl} is 0. */
  List<Rr> announcement(long ttl) {
    return List.of(
        Rr.srv(instanceName, ttl, address.getPort(), host),
        Rr.address(host, ttl, address.getAddress()),
        Rr.txt(instanceName, ttl, txt));
  }

  /** PTR, SRV, A/AAAA and TXT: the answer to a query for the service. */
  List<Rr> answer() {
    return List.of(
        Rr.ptr(serviceName, ttl, instanceName),
        Rr.srv(instanceName, ttl, address.getPort(), host),
        Rr.address(host, ttl, address.getAddress()),
        Rr.txt(instanceName, ttl, txt));
  }

  /** The records of one question about the instance name (SRV, TXT, A or any). */
  List<Rr> records(int type) {
    switch (type) {
      case Rr.SRV:
        return announcement(ttl).subList(0, 2);
      case Rr.TXT:
        return List.of(Rr.txt(instanceName, ttl, txt));
      case Rr.ANY:
        return announcement(ttl);
      default:
        return List.of();
    }
  }

  /**
   * go-micro's wildcard entry of a service, the answer to a query for {@code _services.<domain>.}:
   * PTR to {@code <service>._services.<domain>.}, SRV on port 9999, A 0.0.0.0 and an empty TXT.
   */
  static List<Rr> wildcard(String service, String domain, String host) {
    String name = Names.wildcard(service, domain);
    return List.of(
        Rr.ptr(Names.services(domain), TTL, name),
        Rr.srv(name, TTL, 9999, host),
        Rr.address(host, TTL, ANY_V4),
        Rr.txt(name, TTL, List.of()));
  }

  private static final InetAddress ANY_V4 = anyV4();

  private static InetAddress anyV4() {
    try {
      return InetAddress.getByAddress(new byte[4]);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
