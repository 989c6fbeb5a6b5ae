package io.micro.plugins.registry.kubernetes;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.micro.errors.MicroException;
import io.micro.registry.Node;
import io.micro.registry.Registry;
import io.micro.registry.Service;
import io.micro.registry.Watcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Service discovery on the Kubernetes API, compatible with go-micro's {@code kubernetes} registry:
 * a service is registered by patching <em>the pod this process runs in</em> with the label {@code
 * micro.mu/type=service}, the label {@code micro.mu/selector-<name>=service} and the annotation
 * {@code micro.mu/service-<name>} holding the service JSON; lookups list pods by those labels and
 * read the annotations of the pods that are {@code Running} and not being deleted.
 *
 * <pre>{@code
 * // inside a pod: API server, namespace and token from the service account; pod name from HOSTNAME
 * Registry registry = KubernetesRegistry.builder().build();
 * registry.register(service, Duration.ofSeconds(30));   // the TTL is not used, see below
 * List<Service> found = registry.getService("go.micro.srv.greeter");
 * }</pre>
 *
 * <p><b>One pod, one node.</b> As in go-micro, a pod carries one annotation per service name, so a
 * registration replaces what the same pod registered before under that name; the nodes of a
 * service are the pods that carry it. {@link #deregister(Service)} removes the label and the
 * annotation of the service from the pod.
 *
 * <p><b>No TTL.</b> Kubernetes removes a dead pod itself (and a pod that stops running or is being
 * deleted is no longer read), so the TTL passed to {@link #register(Service, Duration)} is ignored
 * and nothing needs renewing; registering again just patches the same values.
 *
 * <p>Errors: {@link #builder()}'s {@code build()} fails with a {@link MicroException} naming the API
 * server when none of the given API servers answers a pod listing, and naming the pod when a pod
 * name was set explicitly and that pod does not exist. {@code register} fails naming the pod and the
 * namespace when the pod is unknown. A malformed annotation written by someone else is skipped with
 * one warning naming the pod and the key.
 *
 * <p>Thread-safe. Closing the registry stops its watchers and, unless the client was supplied with
 * {@link Builder#client(KubernetesClient)}, closes the Kubernetes client.
 */
public final class KubernetesRegistry implements Registry {
  private static final String ID = "go.micro.registry";

  private final KubernetesClient client;
  private final boolean ownsClient;
  private final String apiServer;
  private final String namespace;
  private final @Nullable String podName;
  private final Duration timeout;
  private final PodServices podServices = new PodServices();
  private final Set<PodWatcher> watchers = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private KubernetesRegistry(KubernetesClient client, boolean ownsClient, String namespace,
      @Nullable String podName, Duration timeout) {
    this.client = client;
    this.ownsClient = ownsClient;
    this.apiServer = client.getConfiguration().getMasterUrl();
    this.namespace = namespace;
    this.podName = podName;
    this.timeout = timeout;
  }

  /** A builder with the defaults: in-cluster or kubeconfig settings, pod name from HOSTNAME. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns {@code kubernetes}. */
  @Override
  public String name() {
    return "kubernetes";
  }

  /** The namespace whose pods this registry reads and writes. */
  public String namespace() {
    return namespace;
  }

  /** The pod {@link #register(Service, Duration)} patches, if known. */
  public Optional<String> podName() {
    return Optional.ofNullable(podName);
  }

  /** The URL of the API server in use. */
  public String apiServer() {
    return apiServer;
  }

  /**
   * Patches this registry's pod with the labels and the annotation of {@code service} (its JSON,
   * nodes included). {@code ttl} is ignored: Kubernetes removes dead pods itself.
   *
   * @throws MicroException 400 when the service has no node or its name cannot be a label key;
   *     404 naming the pod and namespace when the pod does not exist or no pod name is known;
   *     500 naming the API server when it cannot be reached or refuses the patch
   */
  @Override
  public void register(Service service, Duration ttl) {
    Objects.requireNonNull(service, "service");
    ensureOpen();
    if (service.nodes().isEmpty()) {
      throw MicroException.badRequest(ID, "service '%s': no nodes (expected: at least one node to register)",
          service.name());
    }
    Keys.invalid(service.name()).ifPresent(why -> {
      throw MicroException.badRequest(ID, "%s", why);
    });
    String pod = requirePodName("register " + service.name());
    ObjectNode patch = JsonNodeFactory.instance.objectNode();
    ObjectNode meta = patch.putObject("metadata");
    meta.putObject("labels")
        .put(Keys.TYPE_LABEL, Keys.SERVICE_VALUE)
        .put(Keys.selectorLabel(service.name()), Keys.SERVICE_VALUE);
    meta.putObject("annotations").put(Keys.serviceAnnotation(service.name()), ServiceJson.write(service));
    if (patchPod(pod, patch.toString(), "register " + service.name()) == null) {
      throw MicroException.notFound(ID, "kubernetes registry: cannot register %s: pod %s not found in "
          + "namespace %s at %s (expected: the pod this process runs in; set HOSTNAME or podName)",
          service.name(), pod, namespace, apiServer);
    }
  }

  /**
   * Removes the selector label and the annotation of {@code service} from this registry's pod; the
   * {@code micro.mu/type} label stays, as in go-micro. A pod that no longer exists has nothing left
   * to remove, so that is not an error.
   *
   * @throws MicroException 404 when no pod name is known; 500 naming the API server when it cannot
   *     be reached or refuses the patch
   */
  @Override
  public void deregister(Service service) {
    Objects.requireNonNull(service, "service");
    ensureOpen();
    if (Keys.invalid(service.name()).isPresent()) {
      return; // it cannot have been registered
    }
    String pod = requirePodName("deregister " + service.name());
    ObjectNode patch = JsonNodeFactory.instance.objectNode();
    ObjectNode meta = patch.putObject("metadata");
    meta.putObject("labels").putNull(Keys.selectorLabel(service.name()));
    meta.putObject("annotations").putNull(Keys.serviceAnnotation(service.name()));
    patchPod(pod, patch.toString(), "deregister " + service.name());
  }

  /**
   * Every version of {@code name} found on the running pods carrying its selector label, the nodes
   * of each version merged; empty when there is none.
   *
   * @throws MicroException 500 naming the API server when it cannot be reached
   */
  @Override
  public List<Service> getService(String name) {
    ensureOpen();
    if (Keys.invalid(name).isPresent()) {
      return List.of();
    }
    String key = Keys.serviceAnnotation(name);
    List<Pod> pods = call("list pods of " + name, () -> client.pods().inNamespace(namespace)
        .withLabel(Keys.selectorLabel(name), Keys.SERVICE_VALUE).list().getItems());
    Map<String, Service> byVersion = new LinkedHashMap<>();
    for (Pod pod : pods) {
      String json = PodServices.annotations(pod).get(key);
      if (json == null) {
        continue;
      }
      // escaped names can collide (a/b and a_b): keep only the service asked for
      podServices.parse(pod, key, json).filter(s -> s.name().equals(name))
          .ifPresent(s -> byVersion.merge(s.version(), s, KubernetesRegistry::mergeNodes));
    }
    return List.copyOf(byVersion.values());
  }

  /**
   * Every service on the running pods labelled {@code micro.mu/type=service}, one entry per name and
   * version, with their nodes.
   *
   * @throws MicroException 500 naming the API server when it cannot be reached
   */
  @Override
  public List<Service> listServices() {
    ensureOpen();
    List<Pod> pods = call("list pods", () -> client.pods().inNamespace(namespace)
        .withLabel(Keys.TYPE_LABEL, Keys.SERVICE_VALUE).list().getItems());
    Map<String, Service> byNameVersion = new LinkedHashMap<>();
    for (Pod pod : pods) {
      PodServices.annotations(pod).forEach((key, json) -> podServices.parse(pod, key, json)
          .ifPresent(s -> byNameVersion.merge(s.name() + "\n" + s.version(), s,
              KubernetesRegistry::mergeNodes)));
    }
    return List.copyOf(byNameVersion.values());
  }

  /**
   * A Kubernetes watch on the pods labelled {@code micro.mu/type=service} of this namespace, turned
   * into {@code create}/{@code update}/{@code delete} results for {@code service} (every service
   * when empty). The watch is re-established when the API server closes it.
   *
   * @throws MicroException 500 naming the API server when the pods cannot be listed or watched
   */
  @Override
  public Watcher watch(String service) {
    ensureOpen();
    PodWatcher[] self = new PodWatcher[1];
    PodWatcher watcher = call("watch pods", () -> {
      try {
        return new PodWatcher(client, namespace, service, podServices, timeout,
            () -> watchers.remove(self[0]));
      } catch (IllegalStateException e) {
        throw MicroException.internalServerError(ID, "%s (API server %s)", e.getMessage(), apiServer)
            .withCause(e);
      }
    });
    self[0] = watcher;
    watchers.add(watcher);
    return watcher;
  }

  /** Stops the watchers and closes the client if this registry created it; idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (PodWatcher w : List.copyOf(watchers)) {
      w.close();
    }
    if (ownsClient) {
      client.close();
    }
  }

  /** Number of malformed annotations warned about (for tests). */
  int warnings() {
    return podServices.warnings();
  }

  private static Service mergeNodes(Service first, Service more) {
    List<Node> nodes = new ArrayList<>(first.nodes());
    nodes.addAll(more.nodes());
    return first.withNodes(nodes);
  }

  private String requirePodName(String what) {
    if (podName == null || podName.isEmpty()) {
      throw MicroException.notFound(ID, "kubernetes registry: cannot %s: no pod name (expected: the "
          + "HOSTNAME environment variable or KubernetesRegistry.builder().podName(..))", what);
    }
    return podName;
  }

  /** The patched pod, or null when it does not exist. */
  private @Nullable Pod patchPod(String pod, String json, String what) {
    return call(what, () -> {
      try {
        return client.pods().inNamespace(namespace).withName(pod)
            .patch(PatchContext.of(PatchType.JSON_MERGE), json);
      } catch (KubernetesClientException e) {
        if (e.getCode() == 404) {
          return null;
        }
        throw e;
      }
    });
  }

  private <T> T call(String what, Supplier<T> action) {
    try {
      return action.get();
    } catch (KubernetesClientException e) {
      throw apiError(what, e);
    }
  }

  private MicroException apiError(String what, KubernetesClientException e) {
    return KubernetesRegistry.apiError(what, apiServer, namespace, e);
  }

  static MicroException apiError(String what, String apiServer, String namespace,
      KubernetesClientException e) {
    if (e.getCode() <= 0) { // no HTTP answer at all
      return MicroException.internalServerError(ID,
          "kubernetes registry: cannot %s: API server %s unreachable (%s)", what, apiServer,
          rootMessage(e)).withCause(e);
    }
    String hint = e.getCode() == 401 || e.getCode() == 403
        ? " (expected: a service account allowed to get, list, watch and patch pods in namespace "
            + namespace + ")"
        : "";
    return MicroException.internalServerError(ID,
        "kubernetes registry: cannot %s: API server %s answered %d %s%s", what, apiServer,
        e.getCode(), e.getStatus() == null ? e.getMessage() : e.getStatus().getMessage(), hint)
        .withCause(e);
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("kubernetes registry is closed");
    }
  }

  @Override
  public String toString() {
    return "kubernetes registry " + apiServer + " namespace " + namespace
        + (podName == null ? "" : " pod " + podName);
  }

  /**
   * Settings of a {@link KubernetesRegistry}. Not thread-safe; {@link #build()} may be called again
   * for another registry.
   */
  public static final class Builder {
    private final List<String> masterUrls = new ArrayList<>();
    private @Nullable String namespace;
    private @Nullable String podName = System.getenv("HOSTNAME");
    private boolean podNameExplicit;
    private Duration timeout = Duration.ofSeconds(5);
    private @Nullable KubernetesClient client;

    private Builder() {}

    /**
     * The API server URL(s), e.g. {@code https://10.0.0.1:6443}; an address without a scheme gets
     * {@code https://}. The first one that answers is used. Default: from the in-cluster service
     * account, or the kubeconfig ({@code Config.autoConfigure}).
     */
    public Builder masterUrls(List<String> urls) {
      masterUrls.clear();
      for (String url : urls) {
        String u = Objects.requireNonNull(url, "url").trim();
        if (u.isEmpty()) {
          continue;
        }
        masterUrls.add(u.contains("://") ? u : "https://" + u);
      }
      return this;
    }

    /** A single API server URL; see {@link #masterUrls(List)}. */
    public Builder masterUrl(String url) {
      return masterUrls(List.of(url));
    }

    /**
     * The namespace of the pods. Default: the namespace of the client configuration (the service
     * account's namespace file inside a pod, the kubeconfig context outside), else {@code default}.
     */
    public Builder namespace(String namespace) {
      this.namespace = Objects.requireNonNull(namespace, "namespace");
      return this;
    }

    /**
     * The pod this process runs in, patched by {@code register}. Default: the {@code HOSTNAME}
     * environment variable, which Kubernetes sets to the pod name. A pod set here must exist when
     * the registry is built.
     */
    public Builder podName(String podName) {
      this.podName = Objects.requireNonNull(podName, "podName");
      this.podNameExplicit = true;
      return this;
    }

    /** Connect and request timeout of the API calls; default 5 s. */
    public Builder timeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * A ready client to use instead of building one (its master URL and credentials apply, {@link
     * #masterUrls(List)} must not be set). The registry does not close it.
     */
    public Builder client(KubernetesClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * Connects and checks that the API server answers.
     *
     * @throws MicroException naming the API server(s) when none answers, naming the pod when a pod
     *     set with {@link #podName(String)} does not exist
     * @throws IllegalStateException when both a client and master URLs are set
     */
    public KubernetesRegistry build() {
      if (client != null) {
        if (!masterUrls.isEmpty()) {
          throw new IllegalStateException("masterUrls " + masterUrls
              + " and a client are both set (expected: one of them)");
        }
        String ns = namespace != null ? namespace : orDefault(client.getNamespace());
        check(client, ns);
        return new KubernetesRegistry(client, false, ns, podName, timeout);
      }
      Config base = Config.autoConfigure(null);
      String ns = namespace != null ? namespace : orDefault(base.getNamespace());
      List<String> urls = masterUrls.isEmpty() ? List.of(base.getMasterUrl()) : masterUrls;
      List<String> failures = new ArrayList<>();
      for (String url : urls) {
        Config config = new ConfigBuilder(base)
            .withMasterUrl(url)
            .withNamespace(ns)
            .withConnectionTimeout((int) timeout.toMillis())
            .withRequestTimeout((int) timeout.toMillis())
            .withRequestRetryBackoffLimit(1)
            .build();
        KubernetesClient c = new KubernetesClientBuilder().withConfig(config).build();
        try {
          check(c, ns);
          return new KubernetesRegistry(c, true, ns, podName, timeout);
        } catch (MicroException e) {
          c.close();
          if (e.code() == 404 || urls.size() == 1) {
            throw e;
          }
          failures.add(e.detail());
        }
      }
      throw MicroException.internalServerError(ID,
          "kubernetes registry: no API server answered (tried %s): %s", urls, String.join("; ", failures));
    }

    private void check(KubernetesClient c, String ns) {
      String url = c.getConfiguration().getMasterUrl();
      try {
        c.pods().inNamespace(ns).list(new ListOptionsBuilder().withLimit(1L).build());
      } catch (KubernetesClientException e) {
        throw apiError("list pods in namespace " + ns, url, ns, e);
      }
      if (podNameExplicit && podName != null) {
        Pod pod;
        try {
          pod = c.pods().inNamespace(ns).withName(podName).get();
        } catch (KubernetesClientException e) {
          throw apiError("get pod " + podName, url, ns, e);
        }
        if (pod == null) {
          throw MicroException.notFound(ID, "kubernetes registry: pod %s not found in namespace %s at %s "
              + "(expected: the pod this process runs in)", podName, ns, url);
        }
      }
    }

    private static String orDefault(@Nullable String ns) {
      return ns == null || ns.isEmpty() ? "default" : ns;
    }
  }
}
