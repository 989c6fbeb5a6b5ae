package io.micro.registry.mdns;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a registry answers to one question, one message per node as go-micro sends them: the PTR
 * name of a service gets PTR, SRV, A and TXT of each of its nodes; {@code _services.<domain>.} gets
 * the wildcard entry of each service; the DNS-SD enumeration name gets a PTR to {@code
 * _services.<domain>.}; a node's own name gets its SRV, TXT or address records.
 */
final class Answers {
  private final MdnsRegistry registry;

  Answers(MdnsRegistry registry) {
    this.registry = registry;
  }

  List<List<Rr>> answer(Packet.Question q) {
    Map<String, List<Instance>> local = registry.localInstances();
    if (local.isEmpty()) {
      return List.of();
    }
    String domain = registry.domain();
    boolean ptr = q.type() == Rr.PTR || q.type() == Rr.ANY;
    List<List<Rr>> out = new ArrayList<>();
    if (Names.same(q.name(), Names.services(domain))) {
      if (ptr) {
        local.keySet().forEach(name -> out.add(Instance.wildcard(name, domain, registry.host())));
      }
      return out;
    }
    if (Names.same(q.name(), Names.enumeration(domain))) {
      if (ptr) {
        out.add(List.of(Rr.ptr(q.name(), Instance.TTL, Names.services(domain))));
      }
      return out;
    }
    for (List<Instance> instances : local.values()) {
      for (Instance instance : instances) {
        if (Names.same(q.name(), instance.serviceName())) {
          if (ptr) {
            out.add(instance.answer());
          }
        } else if (Names.same(q.name(), instance.instanceName())) {
          List<Rr> records = instance.records(q.type());
          if (!records.isEmpty()) {
            out.add(records);
          }
        }
      }
    }
    return out;
  }
}
