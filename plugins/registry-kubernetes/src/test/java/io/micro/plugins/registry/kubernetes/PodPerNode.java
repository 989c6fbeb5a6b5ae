package io.micro.plugins.registry.kubernetes;

import io.micro.registry.Node;
import io.micro.registry.Registry;
import io.micro.registry.Service;
import io.micro.registry.Watcher;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A cluster of processes seen through one {@link Registry}: each node registered lives in its own
 * pod (created on first use, as the kubelet would have started it) and is registered by a {@link
 * KubernetesRegistry} bound to that pod, exactly as each process of a real deployment registers
 * itself; lookups and watches go through a registry bound to no pod. This is how the contract's
 * "many nodes through one registry" becomes Kubernetes' "one node per pod".
 */
final class PodPerNode implements Registry {
  private final MockCluster cluster;
  private final KubernetesRegistry reader;
  private final Map<String, KubernetesRegistry> byPod = new ConcurrentHashMap<>();

  PodPerNode(MockCluster cluster) {
    this.cluster = cluster;
    this.reader = cluster.reader();
  }

  /** The pod a node runs in: its id as a DNS subdomain name. */
  static String podOf(Node node) {
    return node.id().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-");
  }

  private KubernetesRegistry ofPod(String pod) {
    return byPod.computeIfAbsent(pod, p -> {
      if (cluster.pod(p) == null) {
        cluster.runningPod(p);
      }
      return cluster.registry(p);
    });
  }

  @Override
  public String name() {
    return reader.name();
  }

  @Override
  public void register(Service service, Duration ttl) {
    for (Node node : service.nodes()) {
      ofPod(podOf(node)).register(service.withNodes(List.of(node)), ttl);
    }
  }

  @Override
  public void deregister(Service service) {
    for (Node node : service.nodes()) {
      ofPod(podOf(node)).deregister(service.withNodes(List.of(node)));
    }
  }

  @Override
  public List<Service> getService(String name) {
    return reader.getService(name);
  }

  @Override
  public List<Service> listServices() {
    return reader.listServices();
  }

  @Override
  public Watcher watch(String service) {
    return reader.watch(service);
  }

  @Override
  public void close() {
    byPod.values().forEach(KubernetesRegistry::close);
    reader.close();
  }
}
