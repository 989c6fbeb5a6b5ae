package io.micro.toolkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.micro.Service;
import io.micro.broker.Broker;
import io.micro.broker.SubscribeOptions;
import io.micro.broker.memory.MemoryBroker;
import io.micro.client.Client;
import io.micro.registry.Registry;
import io.micro.registry.memory.MemoryRegistry;
import io.micro.selector.Selector;
import io.micro.toolkit.Micro;
import io.micro.toolkit.Toolkit;
import io.micro.toolkit.sidecar.Sidecar;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every command with {@code --proxy_address}, against the real sidecar on 127.0.0.1 in front of a
 * greeter. The command's own toolkit has an empty memory registry, so a command that bypassed the
 * sidecar would find nothing.
 */
class ProxyTest {
  static Registry registry;
  static Broker broker;
  static Selector selector;
  static Client client;
  static Service greeter;
  static Sidecar sidecar;
  static String address;

  record Result(int exit, String out, String err) {}

  @BeforeAll
  static void start() {
    registry = MemoryRegistry.create();
    broker = MemoryBroker.create();
    broker.connect();
    greeter = Service.builder().name("go.micro.srv.greeter").version("1.0.0").environment(Map.of())
        .registry(registry).broker(broker).address("127.0.0.1:0").handler(new Greeter.Say()).build();
    greeter.start();
    address = registry.getService("go.micro.srv.greeter").get(0).nodes().get(0).address();
    selector = Selector.create(registry);
    client = Client.builder().selector(selector).build();
    sidecar = Sidecar.builder().registry(registry).client(client).broker(broker)
        .address("127.0.0.1:0").build().start();
  }

  @AfterAll
  static void stop() {
    sidecar.close();
    client.close();
    selector.close();
    greeter.close();
    broker.close();
    registry.close();
  }

  static Result run(String... args) {
    try (Registry empty = MemoryRegistry.create()) {
      CommandLine cl = Micro.commandLine(Toolkit.builder().env(Map.of()).registry(empty));
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      cl.setOut(new PrintWriter(out, true));
      cl.setErr(new PrintWriter(err, true));
      String[] all = new String[args.length + 1];
      all[0] = "--proxy_address=" + sidecar.address();
      System.arraycopy(args, 0, all, 1, args.length);
      int exit = cl.execute(all);
      return new Result(exit, out.toString(), err.toString());
    }
  }

  @Test
  void listAndGetGoThroughTheSidecar() {
    Result list = run("list", "services");
    assertThat(list.exit()).as(list.err()).isZero();
    assertThat(list.out()).contains("go.micro.srv.greeter\n");

    Result get = run("get", "service", "go.micro.srv.greeter");
    assertThat(get.exit()).as(get.err()).isZero();
    assertThat(get.out()).startsWith("service  go.micro.srv.greeter\n\nversion 1.0.0\n")
        .contains("\t" + address + "\t").contains("Endpoint: Say.Hello");

    Result missing = run("get", "service", "no.such.service");
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err()).contains("service no.such.service not found");
  }

  @Test
  void registerAndDeregisterGoThroughTheSidecar() {
    String json = "{\"name\":\"foo.bar\",\"nodes\":[{\"id\":\"foo.bar-1\",\"address\":\"127.0.0.1:9091\"}]}";
    Result reg = run("register", "service", "--ttl=1m", json);
    assertThat(reg.exit()).as(reg.err()).isZero();
    assertThat(registry.getService("foo.bar")).hasSize(1);

    Result dereg = run("deregister", "service", json);
    assertThat(dereg.exit()).as(dereg.err()).isZero();
    assertThat(registry.getService("foo.bar")).isEmpty();
  }

  @Test
  void callGoesThroughTheSidecarWithItsErrorsAndAddress() {
    Result ok = run("call", "go.micro.srv.greeter", "Say.Hello", "{\"name\":\"John\"}");
    assertThat(ok.exit()).as(ok.err()).isZero();
    assertThat(ok.out()).isEqualTo("{\n\t\"msg\": \"Hello John\"\n}\n");

    Result failed = run("call", "go.micro.srv.greeter", "Say.Hello", "{\"name\":\"\"}");
    assertThat(failed.exit()).isEqualTo(1);
    assertThat(failed.err()).contains("\"code\":400").contains("Name cannot be blank");

    Result direct = run("call", "--address", address, "go.micro.srv.greeter", "Say.Hello", "{\"name\":\"Bob\"}");
    assertThat(direct.out()).contains("Hello Bob");

    Result health = run("health", "go.micro.srv.greeter");
    assertThat(health.exit()).as(health.out() + health.err()).isZero();
    assertThat(health.out()).contains("\t\t" + address + "\t\tok");
  }

  @Test
  void publishGoesThroughTheSidecarsBrokerSocket() throws Exception {
    LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>();
    var sub = broker.subscribe("proxy.topic",
        d -> got.add(new String(d.event().body(), StandardCharsets.UTF_8)), SubscribeOptions.DEFAULT);
    try {
      Result r = run("publish", "proxy.topic", "{\"say\":\"hello\"}");
      assertThat(r.exit()).as(r.err()).isZero();
      assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("{\"say\":\"hello\"}");
    } finally {
      sub.unsubscribe();
    }
  }

  @Test
  void aSidecarThatIsNotThereIsReportedPlainly() {
    CommandLine cl = Micro.commandLine(Toolkit.builder().env(Map.of()));
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err, true));
    int port = io.micro.testing.ExternalServer.findFreePort();
    assertThat(cl.execute("--proxy_address=127.0.0.1:" + port, "list", "services")).isEqualTo(1);
    assertThat(err.toString()).contains("proxy http://127.0.0.1:" + port).contains("cannot connect");
  }
}
