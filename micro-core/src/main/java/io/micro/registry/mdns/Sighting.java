package io.micro.registry.mdns;

import io.micro.registry.Node;
import io.micro.registry.Service;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A node seen on the network: the service (with that one node) decoded from the SRV, address and
 * TXT records of one message, and the records' TTL (0 for a goodbye).
 */
record Sighting(Service service, String instanceName, long ttl) {

  Node node() {
    return service.nodes().get(0);
  }

  /**
   * The go-micro nodes described by a message: each SRV record in {@code domain} whose TXT record
   * decodes and whose name ends with {@code .<service>.<domain>.}, with the address of the SRV
   * target (IPv4 preferred). Anything else is skipped.
   */
  static List<Sighting> read(Packet packet, String domain) {
    return read(packet, domain, null);
  }

  /**
   * {@link #read(Packet, String)}, reporting to {@code malformed} each SRV of {@code domain} whose
   * TXT data cannot be decoded or names no service matching the record.
   */
  static List<Sighting> read(Packet packet, String domain, @Nullable Malformed malformed) {
    String domainSuffix = "." + domain + ".";
    Map<String, Rr> txts = new HashMap<>();
    Map<String, List<InetAddress>> addresses = new HashMap<>();
    for (Rr rr : packet.records()) {
      if (rr.type() == Rr.TXT) {
        txts.put(key(rr.name()), rr);
      } else if (rr.type() == Rr.A || rr.type() == Rr.AAAA) {
        List<InetAddress> list = addresses.computeIfAbsent(key(rr.name()), k -> new ArrayList<>());
        if (rr.type() == Rr.A) {
          list.add(0, rr.address());
        } else {
          list.add(rr.address());
        }
      }
    }
    List<Sighting> out = new ArrayList<>();
    for (Rr srv : packet.records()) {
      if (srv.type() != Rr.SRV) {
        continue;
      }
      Rr txt = txts.get(key(srv.name()));
      List<InetAddress> ips = addresses.get(key(srv.target()));
      if (txt == null || ips == null || String.join("", txt.strings()).isEmpty()
          || Names.strip(srv.name(), "." + Names.services(domain)) != null) {
        continue;
      }
      TxtCodec.Txt data;
      try {
        data = TxtCodec.decode(txt.strings());
      } catch (RuntimeException bad) {
        if (malformed != null && Names.strip(srv.name(), domainSuffix) != null) {
          malformed.report(srv.name(), bad.getMessage());
        }
        continue;
      }
      String id = data.service().isEmpty() ? null : Names.strip(srv.name(), "." + data.service() + "." + domain + ".");
      if (id == null) {
        if (malformed != null && Names.strip(srv.name(), domainSuffix) != null) {
          malformed.report(srv.name(), "service '" + data.service() + "' in the TXT data (expected: the"
              + " record name to end with ." + data.service() + domainSuffix + ")");
        }
        continue;
      }
      Node node = new Node(id, Names.join(ips.get(0), srv.port()), data.metadata());
      Service service =
          new Service(data.service(), data.version(), Map.of(), data.endpointList(), List.of(node));
      out.add(new Sighting(service, srv.name(), Math.min(srv.ttl(), txt.ttl())));
    }
    return out;
  }

  /**
   * The service names a message lists through go-micro's wildcard entries: targets of PTR records
   * of {@code _services.<domain>.} and names of {@code <service>._services.<domain>.} records,
   * except those with TTL 0.
   */
  static Set<String> serviceNames(Packet packet, String domain) {
    String suffix = "." + Names.services(domain);
    Set<String> names = new LinkedHashSet<>();
    for (Rr rr : packet.records()) {
      String candidate = rr.type() == Rr.PTR ? rr.target() : rr.type() == Rr.SRV ? rr.name() : null;
      String name = candidate == null || rr.ttl() == 0 ? null : Names.strip(candidate, suffix);
      if (name != null) {
        names.add(name);
      }
    }
    return names;
  }

  private static String key(String name) {
    return name.toLowerCase(Locale.ROOT);
  }
}
