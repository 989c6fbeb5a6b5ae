package io.micro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micro.client.CallOptions;
import io.micro.client.Client;
import io.micro.client.Request;
import io.micro.metadata.Metadata;
import io.micro.registry.memory.MemoryRegistry;
import io.micro.transport.memory.MemoryTransport;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceTest {
  private static final String[] MEMORY = {"--registry=memory", "--transport=memory"};

  record Hello(String name) {}

  record Reply(String msg) {}

  /** Handler of the back-end service: tells who the original caller was. */
  public static final class Back {
    public Reply who(Metadata md, Hello hello) {
      return new Reply(hello.name() + " via " + md.get("X-User").orElse("nobody"));
    }
  }

  /** Handler of the front service: calls the back end with the client, inside the handler. */
  public static final class Front {
    private final Client client;

    Front(Client client) {
      this.client = client;
    }

    public Reply hello(Hello hello) {
      return client.call("back", "Back.Who", hello, Reply.class);
    }
  }

  public static final class Say {
    public Reply hello(Hello hello) {
      return new Reply("Hello " + hello.name());
    }
  }

  @Test
  void aServiceServesAndCallsThroughPluginsChosenByFlags() {
    try (Service service = Service.builder().name("go.micro.srv.greeter").args(MEMORY)
        .environment(Map.of()).handler(new Say()).build()) {
      service.start();

      Reply reply = service.client().call("go.micro.srv.greeter", "Say.Hello", new Hello("John"), Reply.class);

      assertThat(reply.msg()).isEqualTo("Hello John");
      assertThat(service.registry().name()).isEqualTo("memory");
      assertThat(service.transport().name()).isEqualTo("memory");
    }
  }

  @Test
  void flagsWinOverTheEnvironmentWhichWinsOverTheBuilder() {
    Map<String, String> env = Map.of("MICRO_SERVER_NAME", "from.env", "MICRO_REGISTRY", "memory",
        "MICRO_TRANSPORT", "memory", "MICRO_REGISTER_TTL", "5");

    try (Service fromFlags = Service.builder().name("from.builder").environment(env)
            .args("--server_name=from.flags", "--server_version", "2").build();
        Service fromEnv = Service.builder().name("from.builder").environment(env).build();
        Service fromBuilder = Service.builder().name("from.builder").version("3").args(MEMORY)
            .environment(Map.of()).build()) {
      assertThat(fromFlags.name()).isEqualTo("from.flags");
      assertThat(fromFlags.server().version()).isEqualTo("2");
      assertThat(fromEnv.name()).isEqualTo("from.env");
      assertThat(fromBuilder.name()).isEqualTo("from.builder");
      assertThat(fromBuilder.server().version()).isEqualTo("3");
    }
  }

  @Test
  void theDefaultsAreMdnsHttpAndTheCachingSelector() {
    try (Service service = Service.builder().name("defaults").environment(Map.of()).build()) {
      assertThat(service.registry().name()).isEqualTo("mdns");
      assertThat(service.selector().name()).isEqualTo("cache");
      assertThat(service.transport().name()).isEqualTo("http");
      assertThat(service.server().address()).isEqualTo("127.0.0.1:0");
    }
  }

  @Test
  void anUnknownPluginFailsTheBuildListingTheAvailableOnes() {
    assertThatThrownBy(() -> Service.builder().args("--registry=etcd3", "--transport=memory")
        .environment(Map.of()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("unknown registry 'etcd3' (available: ")
        .hasMessageContaining("memory");
    assertThatThrownBy(() -> Service.builder().args("--regstry=memory").environment(Map.of()).build())
        .hasMessage("unknown flag --regstry (did you mean --registry?)");
  }

  @Test
  void runBlocksUntilStopAndDeregistersBeforeReturning() throws Exception {
    MemoryRegistry registry = MemoryRegistry.create();
    Service service = Service.builder().name("runner").registry(registry).args("--transport=memory")
        .environment(Map.of()).handler(new Say()).build();
    Thread runner = new Thread(service::run, "runner");
    runner.start();
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (registry.getService("runner").isEmpty() && System.nanoTime() < end) {
      Thread.sleep(10);
    }
    assertThat(registry.getService("runner")).isNotEmpty();

    service.stop();
    runner.join(10_000);

    assertThat(runner.isAlive()).isFalse();
    assertThat(registry.getService("runner")).isEmpty();
    registry.close();
  }

  @Test
  void metadataOfTheOriginalCallReachesANestedCall() {
    MemoryRegistry registry = MemoryRegistry.create();
    MemoryTransport transport = MemoryTransport.create();
    try (Service back = Service.builder().name("back").registry(registry).transport(transport)
            .environment(Map.of()).handler(new Back()).build();
        Service front = Service.builder().name("front").registry(registry).transport(transport)
            .environment(Map.of()).build()) {
      front.server().handle(new Front(front.client()));
      back.start();
      front.start();

      Reply reply = front.client().call(
          Request.of("front", "Front.Hello", new Hello("John")).withHeader("X-User", "alice"),
          Reply.class, CallOptions.DEFAULT);

      assertThat(reply.msg()).isEqualTo("John via alice");
    } finally {
      transport.close();
      registry.close();
    }
  }
}
