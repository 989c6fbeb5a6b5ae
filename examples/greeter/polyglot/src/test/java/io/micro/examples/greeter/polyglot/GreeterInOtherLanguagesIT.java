package io.micro.examples.greeter.polyglot;

import static org.assertj.core.api.Assertions.assertThat;

import io.micro.broker.memory.MemoryBroker;
import io.micro.client.CallOptions;
import io.micro.client.Client;
import io.micro.examples.greeter.Request;
import io.micro.examples.greeter.Response;
import io.micro.registry.Node;
import io.micro.registry.Registry;
import io.micro.registry.Service;
import io.micro.registry.memory.MemoryRegistry;
import io.micro.registry.mdns.MdnsRegistry;
import io.micro.selector.Selector;
import io.micro.testing.ExternalServer;
import io.micro.toolkit.sidecar.Sidecar;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The greeter's clients and server in another language ({@link PythonGreeterIT}, {@link
 * NodeGreeterIT}), run with the machine's interpreter against the Java greeter server (its jar, in
 * its own JVM) and the sidecar (in the test's JVM, over a memory registry).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class GreeterInOtherLanguagesIT {

  /** The client side of the Java greeter, as examples/greeter/client declares it. */
  public interface Say {
    Response hello(Request request);
  }

  private final String language;
  private final String binary;
  private final String debianPackage;
  private final String extension;
  private String interpreter;
  private Proc javaGreeter;
  private String javaGreeterAddress;
  private MemoryRegistry registry;
  private Selector selector;
  private Client client;
  private MemoryBroker broker;
  private Sidecar sidecar;

  GreeterInOtherLanguagesIT(String language, String binary, String debianPackage, String extension) {
    this.language = language;
    this.binary = binary;
    this.debianPackage = debianPackage;
    this.extension = extension;
  }

  @BeforeAll
  void start() throws Exception {
    interpreter = Proc.interpreter(binary, debianPackage);
    int port = ExternalServer.findFreePort();
    javaGreeterAddress = "127.0.0.1:" + port;
    javaGreeter = Proc.start(language + "-java-greeter", Proc.java(), "-jar", Proc.jar("greeter.server.jar"),
        "--server_address=" + javaGreeterAddress, "--registry=memory");
    javaGreeter.awaitPort(port);
    registry = MemoryRegistry.create();
    selector = Selector.create(registry);
    client = Client.builder().selector(selector).retries(0).requestTimeout(Duration.ofSeconds(10)).build();
    broker = MemoryBroker.create();
    sidecar = Sidecar.builder().registry(registry).client(client).broker(broker)
        .address("127.0.0.1:0").build().start();
  }

  @AfterAll
  void stop() throws Exception {
    if (sidecar != null) {
      sidecar.close();
      client.close();
      selector.close();
      broker.close();
      registry.close();
    }
    if (javaGreeter != null) {
      javaGreeter.close();
    }
  }

  private String script(String name) {
    return Proc.script(language + "/" + name + extension);
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what + " within 30 s").isLessThan(end);
      Thread.sleep(20);
    }
  }

  /** Registers the Java greeter (which has its own memory registry) in the sidecar's registry. */
  private void registerJavaGreeter() {
    registry.register(Service.of("go.micro.srv.greeter", "latest").withNodes(List.of(
        new Node("go.micro.srv.greeter-java", javaGreeterAddress, java.util.Map.of("protocol", "mucp")))),
        Duration.ZERO);
  }

  @Test
  void rpcClientCallsTheJavaGreeterDirectlyWithJsonRpc() throws Exception {
    Proc p = Proc.run(language + "-rpc-client", interpreter, script("rpc_client"),
        "--address", javaGreeterAddress, "--name", "John");

    assertThat(p.awaitExit()).as(p.output()).isZero();
    assertThat(p.stdout().lines()).as(p.output()).containsExactly("Hello John");
  }

  @Test
  void sidecarClientCallsTheJavaGreeterThroughTheSidecar() throws Exception {
    registerJavaGreeter();

    Proc p = Proc.run(language + "-sidecar-client", interpreter, script("sidecar_client"),
        "--sidecar", sidecar.url(), "--name", "Ann");

    assertThat(p.awaitExit()).as(p.output()).isZero();
    assertThat(p.stdout().lines()).as(p.output()).containsExactly("Hello Ann");
  }

  @Test
  void sidecarClientReportsAnUnknownServiceAndExits1() throws Exception {
    Proc p = Proc.run(language + "-sidecar-client-unknown", interpreter, script("sidecar_client"),
        "--sidecar", sidecar.url(), "--service", "go.micro.srv.nobody");

    assertThat(p.awaitExit()).as(p.output()).isEqualTo(1);
    assertThat(p.stderr()).as(p.output()).contains("\"code\":404").contains("go.micro.srv.nobody");
  }

  @Test
  void serverRegistersThroughTheSidecarAndIsCalledFromJavaTheSidecarAndScripts() throws Exception {
    String name = "go.micro.srv.greeter." + language;
    String address = "127.0.0.1:" + ExternalServer.findFreePort();
    try (Proc server = Proc.start(language + "-sidecar-server", interpreter, script("sidecar_server"),
        "--address", address, "--sidecar", sidecar.url(), "--name", name)) {
      server.awaitOutput("serving " + name);
      List<Service> versions = registry.getService(name);
      assertThat(versions).singleElement().satisfies(s -> {
        assertThat(s.nodes()).extracting(Node::address).containsExactly(address);
        assertThat(s.endpoints()).extracting(e -> e.name()).containsExactly("Say.Hello");
      });

      // the Java greeter client's typed proxy, through the registry (legacy JSON-RPC envelope)
      Say say = client.proxy(Say.class, name);
      assertThat(say.hello(Request.newBuilder().setName("John").build()).getMsg()).isEqualTo("Hello John");
      // straight to the address: mucp
      Say direct = client.proxy(Say.class, name, CallOptions.DEFAULT.withAddress(address));
      assertThat(direct.hello(Request.newBuilder().setName("Bea").build()).getMsg()).isEqualTo("Hello Bea");
      // the sidecar's /rpc
      HttpResponse<String> rpc = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(sidecar.url() + "/rpc")).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"service\":\"" + name
              + "\",\"method\":\"Say.Hello\",\"request\":{\"name\":\"Cy\"}}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(rpc.statusCode()).as(rpc.body()).isEqualTo(200);
      assertThat(rpc.body()).contains("Hello Cy");
      // this language's own JSON-RPC client
      Proc p = Proc.run(language + "-rpc-client-to-script", interpreter, script("rpc_client"),
          "--address", address, "--name", "Dee");
      assertThat(p.stdout().lines()).as(p.output()).containsExactly("Hello Dee");
      // bin/micro call, through the sidecar (--proxy_address)
      Proc micro = Proc.runWithEnv(language + "-micro-call", java.util.Map.of("MICRO_BUILD", "never"),
          Proc.launcher(), "--proxy_address=" + sidecar.address(), "call", name, "Say.Hello",
          "{\"name\":\"Eve\"}");
      assertThat(micro.awaitExit()).as(micro.output()).isZero();
      assertThat(micro.stdout()).as(micro.output()).contains("Hello Eve");

      server.terminate();
      assertThat(server.stdout()).as(server.output()).contains("deregistered");
      assertThat(registry.getService(name)).isEmpty();
    }
  }

  @Test
  void javaGreeterClientJarFindsTheServerOverMdns() throws Exception {
    String address = "127.0.0.1:" + ExternalServer.findFreePort();
    try (Registry mdns = MdnsRegistry.create();
        Selector mdnsSelector = Selector.create(mdns);
        Client mdnsClient = Client.builder().selector(mdnsSelector).build();
        Sidecar car = Sidecar.builder().registry(mdns).client(mdnsClient).address("127.0.0.1:0")
            .build().start();
        Proc server = Proc.start(language + "-mdns-server", interpreter, script("sidecar_server"),
            "--address", address, "--sidecar", car.url())) {
      server.awaitOutput("serving go.micro.srv.greeter");
      await("the node in mDNS", () -> mdns.getService("go.micro.srv.greeter").stream()
          .flatMap(s -> s.nodes().stream()).anyMatch(n -> n.address().equals(address)));
      List<String> others = mdns.getService("go.micro.srv.greeter").stream()
          .flatMap(s -> s.nodes().stream()).map(Node::address).filter(a -> !a.equals(address)).toList();
      // mDNS is shared by everything on this machine: another greeter would answer some calls
      Assumptions.assumeTrue(others.isEmpty(),
          "another go.micro.srv.greeter is announced on mDNS on this machine: " + others);

      Proc javaClient = Proc.run(language + "-greeter-client", Proc.java(), "-jar",
          Proc.jar("greeter.client.jar"), "--registry=mdns");

      assertThat(javaClient.awaitExit()).as(javaClient.output() + server.output()).isZero();
      assertThat(javaClient.stdout().lines()).as(javaClient.output()).contains("Hello John");
      assertThat(server.stderr()).as("the %s server got the call", language).contains("POST /");
    }
  }
}
