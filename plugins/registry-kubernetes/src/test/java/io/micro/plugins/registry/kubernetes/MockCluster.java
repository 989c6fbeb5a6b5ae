package io.micro.plugins.registry.kubernetes;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;

/**
 * The fabric8 Kubernetes mock API server in CRUD mode on 127.0.0.1, standing in for a cluster: the
 * test plays the kubelet by creating the pods (in phase {@code Running}) that processes would run
 * in. {@link #restart()} stops the server and starts a new one on the same port with the same
 * stored objects, as an API server restart in front of etcd would.
 */
final class MockCluster implements AutoCloseable {
  static final String NAMESPACE = "micro";
  /** Held so that the level set below stays (JUL keeps loggers weakly). */
  private static final java.util.logging.Logger MOCK_LOG = quiet("io.fabric8.mockwebserver");

  private static java.util.logging.Logger quiet(String name) {
    java.util.logging.Logger log = java.util.logging.Logger.getLogger(name);
    log.setLevel(java.util.logging.Level.WARNING);
    return log;
  }

  private final KubernetesCrudDispatcher dispatcher = new KubernetesCrudDispatcher();
  private KubernetesMockServer server;
  private final int port;
  private final KubernetesClient client;

  MockCluster() {
    server = start(0);
    port = server.getPort();
    client = server.createClient();
  }

  private KubernetesMockServer start(int atPort) {
    KubernetesMockServer s = new KubernetesMockServer(new Context(), new MockWebServer(),
        new HashMap<>(), dispatcher, false);
    try {
      s.init(InetAddress.getByName("127.0.0.1"), atPort);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
    return s;
  }

  /** A client of the mock (namespace {@link #NAMESPACE} is passed explicitly where needed). */
  KubernetesClient client() {
    return client;
  }

  /** The API server URL. */
  String url() {
    return client.getConfiguration().getMasterUrl();
  }

  /** A registry bound to {@code podName}, sharing this cluster's client. */
  KubernetesRegistry registry(String podName) {
    return KubernetesRegistry.builder().client(client).namespace(NAMESPACE).podName(podName).build();
  }

  /** A registry bound to no pod: it can read and watch only. */
  KubernetesRegistry reader() {
    return KubernetesRegistry.builder().client(client).namespace(NAMESPACE).build();
  }

  /** Creates a running pod without labels or annotations, as the kubelet would start it. */
  Pod runningPod(String name) {
    return createPod(name, "Running", Map.of(), Map.of());
  }

  /** Creates a pod in {@code phase} with the given labels and annotations. */
  Pod createPod(String name, String phase, Map<String, String> labels, Map<String, String> annotations) {
    Pod pod = new PodBuilder()
        .withNewMetadata().withName(name).withNamespace(NAMESPACE)
        .withLabels(labels).withAnnotations(annotations).endMetadata()
        .withNewStatus().withPhase(phase).endStatus()
        .build();
    return client.pods().inNamespace(NAMESPACE).resource(pod).create();
  }

  /** The pod as stored, or null. */
  Pod pod(String name) {
    return client.pods().inNamespace(NAMESPACE).withName(name).get();
  }

  /** Deletes the pod, as Kubernetes does when its process dies for good. */
  void deletePod(String name) {
    client.pods().inNamespace(NAMESPACE).withName(name).delete();
  }

  /** Stops the API server (closing every watch) and starts it again on the same port with the same data. */
  void restart() {
    server.destroy();
    server = start(port);
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
