package io.micro.plugins.registry.kubernetes;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.micro.registry.Node;
import io.micro.registry.Service;
import io.micro.registry.Watcher;
import io.micro.registry.spi.QueueWatcher;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A watch on the pods labelled {@code micro.mu/type=service}, turned into registry results the way
 * go-micro's watcher does: each pod's service annotations are compared with what the pod carried
 * before; a new annotation is a {@code create}, a changed one an {@code update} (preceded by a {@code
 * delete} of the nodes the new value no longer lists, e.g. when the pod re-registered under another
 * version), a removed one (or every one of a pod that is deleted, stops running or gets a deletion
 * timestamp) a {@code delete} carrying the service as it was.
 *
 * <p>The pods are listed first, so that only changes after the watcher was created are reported.
 * The Kubernetes watch is a fabric8 informer: when the API server closes it, it is re-established
 * (after a re-list when the server no longer has the old resource version), and the differences
 * found then are reported like any other change. The whole namespace is watched even for one
 * service, because a pod that loses its selector label would otherwise simply vanish from a
 * selector-based watch; results are filtered by service name here.
 */
final class PodWatcher implements Watcher {
  private static final Logger LOG = LoggerFactory.getLogger(PodWatcher.class);

  private final QueueWatcher queue;
  private final PodServices podServices;
  private final String namespace;
  /** Pod name to the service annotations it had when last seen. Guarded by {@code this}. */
  private final Map<String, Map<String, String>> seen = new HashMap<>();
  private final SharedIndexInformer<Pod> informer;

  PodWatcher(KubernetesClient client, String namespace, String service, PodServices podServices,
      Duration timeout, Runnable onClose) {
    this.podServices = podServices;
    this.namespace = namespace;
    this.informer = client.pods().inNamespace(namespace)
        .withLabel(Keys.TYPE_LABEL, Keys.SERVICE_VALUE)
        .runnableInformer(0);
    this.queue = new QueueWatcher(service, () -> {
      informer.close();
      onClose.run();
    });
    List<Pod> before = client.pods().inNamespace(namespace)
        .withLabel(Keys.TYPE_LABEL, Keys.SERVICE_VALUE).list().getItems();
    synchronized (this) {
      for (Pod pod : before) {
        seen.put(pod.getMetadata().getName(), PodServices.annotations(pod));
      }
    }
    informer.exceptionHandler((started, t) -> {
      if (!queue.isClosed()) {
        LOG.warn("kubernetes registry: watch of pods in namespace {} interrupted ({}); re-establishing",
            namespace, t.toString());
      }
      return !queue.isClosed();
    });
    informer.addEventHandler(new Handler());
    try {
      informer.start().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      informer.close();
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("kubernetes registry: cannot watch pods in namespace "
          + namespace + " within " + timeout.toMillis() + " ms: " + e, e);
    }
  }

  @Override
  public Optional<Result> next(Duration timeout) {
    return queue.next(timeout);
  }

  @Override
  public void close() {
    queue.close();
  }

  /** Reports the differences between what {@code podName} carried and {@code now}. */
  private synchronized void changed(Pod pod, Map<String, String> now) {
    String podName = pod.getMetadata().getName();
    Map<String, String> before = now.isEmpty() ? seen.remove(podName) : seen.put(podName, now);
    if (before == null) {
      before = Map.of();
    }
    for (Map.Entry<String, String> e : now.entrySet()) {
      String old = before.get(e.getKey());
      if (e.getValue().equals(old)) {
        continue;
      }
      Optional<Service> current = podServices.parse(pod, e.getKey(), e.getValue());
      if (old == null) {
        current.ifPresent(s -> offer("create", s));
        continue;
      }
      // the pod replaced its registration: nodes it no longer carries are removed
      podServices.parse(pod, e.getKey(), old)
          .flatMap(was -> dropped(was, current))
          .ifPresent(gone -> offer("delete", gone));
      current.ifPresent(s -> offer("update", s));
    }
    for (Map.Entry<String, String> e : before.entrySet()) {
      if (!now.containsKey(e.getKey())) {
        podServices.parse(pod, e.getKey(), e.getValue()).ifPresent(s -> offer("delete", s));
      }
    }
  }

  /** The nodes of {@code was} that {@code now} no longer has (all of them if the version changed). */
  private static Optional<Service> dropped(Service was, Optional<Service> now) {
    Set<String> kept = new HashSet<>();
    now.filter(n -> n.name().equals(was.name()) && n.version().equals(was.version()))
        .ifPresent(n -> n.nodes().forEach(node -> kept.add(node.id())));
    List<Node> gone = was.nodes().stream().filter(node -> !kept.contains(node.id())).toList();
    return gone.isEmpty() ? Optional.empty() : Optional.of(was.withNodes(gone));
  }

  private void offer(String action, Service service) {
    queue.offer(action, service);
  }

  /** Informer callbacks; fabric8 calls them one at a time for this handler. */
  private final class Handler implements ResourceEventHandler<Pod> {
    @Override
    public void onAdd(Pod pod) {
      changed(pod, PodServices.annotations(pod));
    }

    @Override
    public void onUpdate(Pod oldPod, Pod newPod) {
      changed(newPod, PodServices.annotations(newPod));
    }

    @Override
    public void onDelete(Pod pod, boolean finalStateUnknown) {
      changed(pod, Map.of());
    }
  }

  @Override
  public String toString() {
    return "kubernetes watcher of namespace " + namespace;
  }
}
