package io.micro.plugins.registry.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.micro.errors.MicroException;
import io.micro.registry.Endpoint;
import io.micro.registry.Node;
import io.micro.registry.Registry;
import io.micro.registry.Service;
import io.micro.registry.Value;
import io.micro.registry.Watcher;
import io.micro.registry.spi.RegistryProvider;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the kubernetes registry writes and reads, checked against go-micro's format. */
class KubernetesRegistryTest {
  /** go-micro's registry record, as json.Marshal writes it (protocol reference C.5). */
  static final String GO_JSON = "{\"name\":\"helloworld\",\"version\":\"latest\",\"metadata\":null,"
      + "\"endpoints\":[{\"request\":{\"name\":\"Request\",\"type\":\"Request\",\"values\":[{\"name\":\"name\","
      + "\"type\":\"string\",\"values\":null}]},\"response\":{\"name\":\"Response\",\"type\":\"Response\","
      + "\"values\":[{\"name\":\"msg\",\"type\":\"string\",\"values\":null}]},\"metadata\":{},"
      + "\"name\":\"Greeter.Hello\"}],\"nodes\":[{\"metadata\":{\"broker\":\"http\",\"protocol\":\"mucp\","
      + "\"registry\":\"kubernetes\",\"server\":\"mucp\",\"transport\":\"http\"},"
      + "\"id\":\"helloworld-6f1c\",\"address\":\"10.0.0.12:40111\"}]}";

  static MockCluster cluster;
  String pod;

  @BeforeAll
  static void startApiServer() {
    cluster = new MockCluster();
  }

  @AfterAll
  static void stopApiServer() {
    cluster.close();
  }

  @BeforeEach
  void aPodOfItsOwn() {
    pod = "pod-" + UUID.randomUUID().toString().substring(0, 8);
    cluster.runningPod(pod);
  }

  static Service greeter(String name, String version, String nodeId) {
    Endpoint hello = new Endpoint("Say.Hello",
        new Value("Request", "Request", List.of(Value.of("name", "string"))),
        new Value("Response", "Response", List.of(Value.of("msg", "string"))), Map.of());
    Node node = new Node(nodeId, "10.0.0.5:8080", Map.of("transport", "http", "protocol", "mucp"));
    return new Service(name, version, Map.of("b", "2", "a", "1"), List.of(hello), List.of(node));
  }

  @Test
  void registerWritesTheLabelsAndTheAnnotationGoMicroWrites() {
    try (KubernetesRegistry registry = cluster.registry(pod)) {
      registry.register(greeter("go.micro.srv.greeter", "1.0.0", "greeter-1"), Duration.ofSeconds(90));
    }
    Pod written = cluster.pod(pod);
    assertThat(written.getMetadata().getLabels()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "micro.mu/type", "service",
        "micro.mu/selector-go.micro.srv.greeter", "service"));
    assertThat(written.getMetadata().getAnnotations()).containsOnlyKeys("micro.mu/service-go.micro.srv.greeter");
    // byte for byte what Go's json.Marshal(service) gives: struct order, map keys sorted
    assertThat(written.getMetadata().getAnnotations().get("micro.mu/service-go.micro.srv.greeter"))
        .isEqualTo("{\"name\":\"go.micro.srv.greeter\",\"version\":\"1.0.0\",\"metadata\":{\"a\":\"1\",\"b\":\"2\"},"
            + "\"endpoints\":[{\"request\":{\"name\":\"Request\",\"type\":\"Request\",\"values\":[{\"name\":\"name\","
            + "\"type\":\"string\",\"values\":null}]},\"response\":{\"name\":\"Response\",\"type\":\"Response\","
            + "\"values\":[{\"name\":\"msg\",\"type\":\"string\",\"values\":null}]},\"metadata\":{},"
            + "\"name\":\"Say.Hello\"}],\"nodes\":[{\"metadata\":{\"protocol\":\"mucp\",\"transport\":\"http\"},"
            + "\"id\":\"greeter-1\",\"address\":\"10.0.0.5:8080\"}]}");
  }

  @Test
  void deregisterRemovesTheSelectorLabelAndTheAnnotationButKeepsTheTypeLabel() {
    String name = "go.micro.srv." + pod;
    try (KubernetesRegistry registry = cluster.registry(pod)) {
      Service svc = greeter(name, "1.0.0", "greeter-1");
      registry.register(svc, Duration.ZERO);
      registry.register(greeter("other." + pod, "1", "other-1"), Duration.ZERO);
      registry.deregister(svc);
      assertThat(registry.getService(name)).isEmpty();
      assertThat(registry.getService("other." + pod)).hasSize(1);
    }
    Pod written = cluster.pod(pod);
    // a real API server drops keys patched to null; the mock keeps them as null: both are "gone"
    assertThat(written.getMetadata().getLabels().get("micro.mu/selector-" + name)).isNull();
    assertThat(written.getMetadata().getAnnotations().get("micro.mu/service-" + name)).isNull();
    assertThat(written.getMetadata().getLabels()).containsEntry("micro.mu/type", "service")
        .containsEntry("micro.mu/selector-other." + pod, "service");
  }

  @Test
  void serviceNamesAreEscapedInKeysAsGoMicroDoes() {
    assertThat(Keys.escape("go.micro.srv.greeter")).isEqualTo("go.micro.srv.greeter");
    assertThat(Keys.escape("my/svc:v1 x")).isEqualTo("my_svc_v1_x");
    assertThat(Keys.escape("café")).as("each UTF-8 byte").isEqualTo("caf__");
    try (KubernetesRegistry registry = cluster.registry(pod)) {
      String name = pod + "/billing";
      registry.register(greeter(name, "1", "billing-1"), Duration.ZERO);
      assertThat(registry.getService(name)).extracting(Service::name).containsExactly(name);
      assertThat(registry.getService(pod + "_billing")).as("an escaped twin is another service").isEmpty();
    }
    assertThat(cluster.pod(pod).getMetadata().getLabels()).containsEntry("micro.mu/selector-" + pod + "_billing", "service");
    assertThat(cluster.pod(pod).getMetadata().getAnnotations()).containsKey("micro.mu/service-" + pod + "_billing");
  }

  @Test
  void aPodAnnotatedByGoMicroIsRead() {
    cluster.createPod(pod + "-go", "Running",
        Map.of("micro.mu/type", "service", "micro.mu/selector-helloworld", "service"),
        Map.of("micro.mu/service-helloworld", GO_JSON));
    try (KubernetesRegistry registry = cluster.reader()) {
      List<Service> found = registry.getService("helloworld");
      assertThat(found).hasSize(1);
      Service s = found.get(0);
      assertThat(s.version()).isEqualTo("latest");
      assertThat(s.metadata()).isEmpty();
      assertThat(s.endpoints()).extracting(Endpoint::name).containsExactly("Greeter.Hello");
      assertThat(s.nodes()).extracting(Node::id, Node::address)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("helloworld-6f1c", "10.0.0.12:40111"));
      assertThat(s.nodes().get(0).metadata()).containsEntry("protocol", "mucp");
      assertThat(registry.listServices()).extracting(Service::name).contains("helloworld");
    }
    cluster.deletePod(pod + "-go");
  }

  @Test
  void podsThatAreNotRunningAreNotRead() {
    String name = "pending-" + pod;
    cluster.createPod(pod + "-pending", "Pending",
        Map.of("micro.mu/type", "service", "micro.mu/selector-" + name, "service"),
        Map.of("micro.mu/service-" + name, ServiceJson.write(greeter(name, "1", "n-1"))));
    try (KubernetesRegistry registry = cluster.reader()) {
      assertThat(registry.getService(name)).isEmpty();
      assertThat(registry.listServices()).extracting(Service::name).doesNotContain(name);
    }
  }

  @Test
  void aMalformedAnnotationIsSkippedWithOneWarningAndWatchersSurviveIt() {
    String name = "malformed-" + pod;
    try (KubernetesRegistry reader = cluster.reader(); Watcher watcher = reader.watch(name);
        KubernetesRegistry registry = cluster.registry(pod)) {
      cluster.createPod(pod + "-bad", "Running",
          Map.of("micro.mu/type", "service", "micro.mu/selector-" + name, "service"),
          Map.of("micro.mu/service-" + name, "{\"name\": not json"));
      registry.register(greeter(name, "1", "good-1"), Duration.ZERO);

      Optional<Watcher.Result> first = watcher.next(Duration.ofSeconds(5));
      assertThat(first).as("the watcher skipped the bad pod and saw the good one").isPresent();
      assertThat(first.get().service().nodes()).extracting(Node::id).containsExactly("good-1");

      assertThat(reader.getService(name)).flatExtracting(Service::nodes).extracting(Node::id)
          .containsExactly("good-1");
      assertThat(reader.getService(name)).hasSize(1);
      assertThat(reader.listServices()).extracting(Service::name).contains(name);
      assertThat(reader.warnings()).as("one warning for the pod and key, however often it is read").isEqualTo(1);
    }
  }

  @Test
  void aPodReRegisteringUnderANewVersionIsReportedAsDeleteThenUpdate() {
    String name = "versioned-" + pod;
    try (KubernetesRegistry registry = cluster.registry(pod); Watcher watcher = registry.watch(name)) {
      registry.register(greeter(name, "1", "n-1"), Duration.ZERO);
      assertThat(next(watcher).action()).isEqualTo("create");
      registry.register(greeter(name, "2", "n-1"), Duration.ZERO);
      Watcher.Result gone = next(watcher);
      assertThat(gone.action()).isEqualTo("delete");
      assertThat(gone.service().version()).isEqualTo("1");
      Watcher.Result now = next(watcher);
      assertThat(now.action()).isEqualTo("update");
      assertThat(now.service().version()).isEqualTo("2");
      assertThat(registry.getService(name)).extracting(Service::version).containsExactly("2");
    }
  }

  @Test
  void theWatchIsReEstablishedAfterTheApiServerClosesIt() {
    String name = "rewatched-" + pod;
    try (MockCluster own = new MockCluster()) {
      own.runningPod(pod);
      try (KubernetesRegistry registry = own.registry(pod); Watcher watcher = own.reader().watch(name)) {
        registry.register(greeter(name, "1", "n-1"), Duration.ZERO);
        assertThat(next(watcher).action()).isEqualTo("create");

        own.restart(); // closes the watch connection
        registry.register(greeter(name, "1", "n-2"), Duration.ZERO);
        Watcher.Result after = nextMatching(watcher, "n-2", Duration.ofSeconds(30));
        assertThat(after.action()).isIn("create", "update");
      }
    }
  }

  @Test
  void aPodNamedExplicitlyMustExist() {
    assertThatThrownBy(() -> KubernetesRegistry.builder().client(cluster.client())
        .namespace(MockCluster.NAMESPACE).podName("ghost-pod").build())
        .isInstanceOf(MicroException.class)
        .hasMessageContaining("pod ghost-pod not found in namespace micro")
        .hasMessageContaining(cluster.url());
  }

  @Test
  void registeringFromAPodThatIsGoneNamesThePodAndNamespace() {
    try (KubernetesRegistry registry = cluster.registry(pod)) {
      cluster.deletePod(pod);
      assertThatThrownBy(() -> registry.register(greeter("lost", "1", "n-1"), Duration.ZERO))
          .isInstanceOf(MicroException.class)
          .hasMessageContaining("pod " + pod + " not found in namespace micro");
      registry.deregister(greeter("lost", "1", "n-1")); // nothing left to remove: no error
    }
  }

  @Test
  void registrationsThatKubernetesWouldRefuseAreRejectedNamingTheProblem() {
    try (KubernetesRegistry registry = cluster.registry(pod)) {
      assertThatThrownBy(() -> registry.register(Service.of("nodeless", "1"), Duration.ZERO))
          .isInstanceOf(MicroException.class).hasMessageContaining("nodeless").hasMessageContaining("no nodes");
      String longName = "x".repeat(60);
      assertThatThrownBy(() -> registry.register(greeter(longName, "1", "n"), Duration.ZERO))
          .isInstanceOf(MicroException.class)
          .hasMessageContaining("micro.mu/selector-" + longName).hasMessageContaining("<= 63");
      assertThat(registry.getService(longName)).isEmpty();
    }
  }

  @Test
  void anUnreachableApiServerIsNamed() throws IOException {
    String dead = "http://127.0.0.1:" + freePort();
    assertThatThrownBy(() -> KubernetesRegistry.builder().masterUrl(dead).namespace("micro")
        .timeout(Duration.ofSeconds(2)).build())
        .isInstanceOf(MicroException.class)
        .hasMessageContaining("API server " + dead)
        .hasMessageContaining("unreachable");
  }

  @Test
  void theFirstApiServerThatAnswersIsUsed() throws IOException {
    String dead = "http://127.0.0.1:" + freePort();
    try (KubernetesRegistry registry = KubernetesRegistry.builder().masterUrls(List.of(dead, cluster.url()))
        .namespace(MockCluster.NAMESPACE).timeout(Duration.ofSeconds(2)).build()) {
      assertThat(registry.apiServer()).isEqualTo(cluster.url());
      assertThat(registry.namespace()).isEqualTo("micro");
      assertThat(registry.listServices()).isNotNull();
    }
  }

  @Test
  void theProviderIsFoundByName() {
    RegistryProvider provider = ServiceLoader.load(RegistryProvider.class).stream()
        .map(ServiceLoader.Provider::get).filter(p -> p.name().equals("kubernetes")).findFirst().orElseThrow();
    assertThat(provider).isInstanceOf(KubernetesRegistryProvider.class);
    try (Registry registry = provider.create(new RegistryProvider.Config(List.of(cluster.url()), Duration.ofSeconds(2)))) {
      assertThat(registry.name()).isEqualTo("kubernetes");
      assertThat(((KubernetesRegistry) registry).apiServer()).isEqualTo(cluster.url());
      assertThat(registry.listServices()).isNotNull();
    }
  }

  private static Watcher.Result next(Watcher watcher) {
    Optional<Watcher.Result> r = watcher.next(Duration.ofSeconds(5));
    assertThat(r).as("a watch result within 5 s").isPresent();
    return r.get();
  }

  private static Watcher.Result nextMatching(Watcher watcher, String nodeId, Duration within) {
    long end = System.nanoTime() + within.toNanos();
    while (true) {
      Optional<Watcher.Result> r = watcher.next(Duration.ofMillis(500));
      if (r.isPresent() && r.get().service().nodes().stream().anyMatch(n -> n.id().equals(nodeId))) {
        return r.get();
      }
      assertThat(System.nanoTime()).as("a result with node %s within %s", nodeId, within).isLessThan(end);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }
}
