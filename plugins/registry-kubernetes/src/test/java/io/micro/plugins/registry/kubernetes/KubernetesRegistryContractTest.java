package io.micro.plugins.registry.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.micro.registry.Node;
import io.micro.registry.Registry;
import io.micro.registry.Service;
import io.micro.registry.Watcher;
import io.micro.testing.RegistryContract;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The registry contract against the fabric8 mock API server (CRUD mode, 127.0.0.1). Every node is
 * a pod of its own ({@link PodPerNode}); a restart of the backend is a restart of the API server
 * with its stored pods kept.
 */
class KubernetesRegistryContractTest extends RegistryContract {
  static MockCluster cluster;

  @BeforeAll
  static void startApiServer() {
    cluster = new MockCluster();
  }

  @AfterAll
  static void stopApiServer() {
    cluster.close();
  }

  @Override
  protected Registry newRegistry() {
    return new PodPerNode(cluster);
  }

  @Override
  protected void restartBackend() {
    cluster.restart();
  }

  /**
   * A Kubernetes registration has no TTL: when a process dies Kubernetes deletes (or stops running)
   * its pod, which {@link #nodeOfADeletedPodIsGone()} and {@link #watchReportsTheDeletionOfAPod()}
   * cover instead of the contract's TTL tests.
   */
  @Override
  protected boolean expiresByTtl() {
    return false;
  }

  @Test
  void nodeOfADeletedPodIsGone() {
    Registry registry = open();
    String name = prefix + "deleted";
    Service svc = service(name, "latest", name + "-1", "127.0.0.1:9081");
    registry.register(svc, Duration.ofMinutes(1));
    eventually(() -> nodeCount(registry, name) == 1);

    cluster.deletePod(PodPerNode.podOf(svc.nodes().get(0)));
    eventually(() -> nodeCount(registry, name) == 0);
    eventually(() -> registry.listServices().stream().noneMatch(s -> s.name().equals(name)));
  }

  @Test
  void watchReportsTheDeletionOfAPod() {
    Registry registry = open();
    String name = prefix + "pod-gone";
    Service a = service(name, "latest", name + "-a", "127.0.0.1:9082");
    Service b = service(name, "latest", name + "-b", "127.0.0.1:9083");
    try (Watcher watcher = open().watch(name)) {
      registry.register(a, Duration.ofMinutes(1));
      registry.register(b, Duration.ofMinutes(1));
      cluster.deletePod(PodPerNode.podOf(a.nodes().get(0)));
      Watcher.Result deleted = nextDelete(watcher, name);
      assertThat(deleted.service().nodes()).extracting(Node::id).containsExactly(name + "-a");
    }
    assertThat(registry.getService(name)).flatExtracting(Service::nodes).extracting(Node::id)
        .containsExactly(name + "-b");
  }

  private Watcher.Result nextDelete(Watcher watcher, String name) {
    while (true) {
      Optional<Watcher.Result> r = watcher.next(settle());
      assertThat(r).as("a delete of %s within %s", name, settle()).isPresent();
      if (r.get().service().name().equals(name) && r.get().action().equals("delete")) {
        return r.get();
      }
    }
  }
}
