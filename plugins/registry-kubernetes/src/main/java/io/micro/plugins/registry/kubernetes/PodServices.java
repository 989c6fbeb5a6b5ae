package io.micro.plugins.registry.kubernetes;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.micro.registry.Service;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the services a pod carries in its {@code micro.mu/service-*} annotations, as go-micro does:
 * only pods in phase {@code Running} that are not being deleted count. An annotation that is not a
 * service JSON is skipped with one warning naming the pod and the key (one per distinct value, so a
 * watcher or a lookup that sees it again stays quiet).
 *
 * <p>Thread-safe.
 */
final class PodServices {
  private static final Logger LOG = LoggerFactory.getLogger(PodServices.class);
  private static final String RUNNING = "Running";
  /** Bound on remembered warnings, so a stream of bad values cannot grow memory. */
  private static final int MAX_REMEMBERED = 4096;

  private final Set<String> warned = ConcurrentHashMap.newKeySet();

  /** Whether go-micro would read this pod: phase Running and no deletion timestamp. */
  static boolean serving(Pod pod) {
    return pod.getStatus() != null && RUNNING.equals(pod.getStatus().getPhase())
        && (pod.getMetadata() == null || pod.getMetadata().getDeletionTimestamp() == null);
  }

  /**
   * The raw service annotations of a serving pod, key to JSON text; empty for a pod that is not
   * serving.
   */
  static Map<String, String> annotations(Pod pod) {
    ObjectMeta meta = pod.getMetadata();
    if (!serving(pod) || meta == null || meta.getAnnotations() == null) {
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>();
    meta.getAnnotations().forEach((k, v) -> {
      if (k.startsWith(Keys.ANNOTATION_PREFIX) && v != null) {
        out.put(k, v);
      }
    });
    return out;
  }

  /** The service in annotation {@code key} of {@code pod}, warning once when it is malformed. */
  Optional<Service> parse(Pod pod, String key, String json) {
    Optional<Service> service = ServiceJson.read(json);
    if (service.isEmpty()) {
      String id = podName(pod) + "\n" + key + "\n" + json.hashCode();
      if (warned.size() >= MAX_REMEMBERED) {
        warned.clear();
      }
      if (warned.add(id)) {
        LOG.warn("kubernetes registry: skipping annotation {} of pod {}: not a go-micro service JSON "
            + "(expected: an object with name, version, endpoints and nodes)", key, podName(pod));
      }
    }
    return service;
  }

  /** The number of malformed annotations warned about so far (for tests). */
  int warnings() {
    return warned.size();
  }

  /** {@code namespace/name} of the pod. */
  static String podName(Pod pod) {
    ObjectMeta meta = pod.getMetadata();
    if (meta == null) {
      return "<unnamed>";
    }
    return (meta.getNamespace() == null ? "" : meta.getNamespace() + "/") + meta.getName();
  }
}
