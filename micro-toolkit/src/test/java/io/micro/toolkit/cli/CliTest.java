package io.micro.toolkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.micro.Service;
import io.micro.broker.Broker;
import io.micro.broker.SubscribeOptions;
import io.micro.broker.memory.MemoryBroker;
import io.micro.registry.Registry;
import io.micro.registry.memory.MemoryRegistry;
import io.micro.toolkit.Micro;
import io.micro.toolkit.Toolkit;
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
 * Every command end to end through {@link Micro#commandLine}: a greeter served over the HTTP
 * transport on 127.0.0.1, found through a memory registry shared with the command.
 */
class CliTest {
  static Registry registry;
  static Broker broker;
  static Service greeter;
  static String address;

  record Result(int exit, String out, String err) {}

  @BeforeAll
  static void start() {
    registry = MemoryRegistry.create();
    broker = MemoryBroker.create();
    broker.connect();
    greeter = Service.builder().name("go.micro.srv.greeter").version("1.0.0")
        .environment(Map.of()).registry(registry).broker(broker).address("127.0.0.1:0")
        .metadata(Map.of("zone", "eu"))
        .handler(new Greeter.Say()).build();
    greeter.start();
    address = greeter.registry().getService("go.micro.srv.greeter").get(0).nodes().get(0).address();
  }

  @AfterAll
  static void stop() {
    greeter.close();
    broker.close();
    registry.close();
  }

  static Result run(String... args) {
    CommandLine cl = Micro.commandLine(Toolkit.builder().env(Map.of()).registry(registry).broker(broker));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new Result(exit, out.toString(), err.toString());
  }

  @Test
  void listServicesPrintsNamesSortedOrAsJson() {
    io.micro.registry.Service first = io.micro.registry.Service.of("a.first", "1")
        .withNodes(java.util.List.of(io.micro.registry.Node.of("a.first-1", "127.0.0.1:1")));
    registry.register(first, java.time.Duration.ZERO);
    try {
      Result text = run("list", "services");
      assertThat(text.exit()).as(text.err()).isZero();
      assertThat(text.out()).startsWith("a.first\n").contains("go.micro.srv.greeter\n");

      Result json = run("--output=json", "ls", "services");
      assertThat(json.out().strip()).startsWith("[\"a.first\"").contains("\"go.micro.srv.greeter\"").endsWith("]");
    } finally {
      registry.deregister(first);
    }
  }

  @Test
  void getServiceShowsVersionsNodesAndEndpointSchemas() {
    Result r = run("get", "service", "go.micro.srv.greeter");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out())
        .startsWith("service  go.micro.srv.greeter\n\nversion 1.0.0\n\nID\tAddress\tMetadata\n")
        .contains("\t" + address + "\t")
        .contains("zone=eu")
        .contains("Endpoint: Say.Hello\n")
        .contains("Request: {\n\tname string\n}")
        .contains("Response: {\n\tmsg string\n}");

    Result json = run("get", "service", "go.micro.srv.greeter", "-o", "json");
    assertThat(json.out()).startsWith("[{\"name\":\"go.micro.srv.greeter\",\"version\":\"1.0.0\"")
        .contains("\"address\":\"" + address + "\"");
  }

  @Test
  void anUnknownServiceSaysSoPlainly() {
    Result get = run("get", "service", "no.such.service");
    assertThat(get.exit()).isEqualTo(1);
    assertThat(get.err()).contains("service no.such.service not found");

    Result call = run("call", "no.such.service", "Say.Hello", "{}");
    assertThat(call.exit()).isEqualTo(1);
    assertThat(call.err()).contains("\"code\":500").contains("no.such.service").contains("not found");

    assertThat(run("health", "no.such.service").err()).contains("service no.such.service not found");
  }

  @Test
  void callPrintsTheResponseIndentedWithTabsOrOnOneLine() {
    Result r = run("call", "go.micro.srv.greeter", "Say.Hello", "{\"name\": \"John\"}");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("{\n\t\"msg\": \"Hello John\"\n}\n");

    Result nested = run("query", "go.micro.srv.greeter", "Say.Page", "{\"name\":", "\"x\"}");
    assertThat(nested.out()).isEqualTo(
        "{\n\t\"name\": \"x\",\n\t\"items\": [\n\t\t{\n\t\t\t\"msg\": \"a\"\n\t\t},\n\t\t{\n\t\t\t\"msg\": \"b\"\n\t\t}\n\t]\n}\n");

    Result json = run("call", "--output", "json", "go.micro.srv.greeter", "Say.Hello", "{\"name\":\"Ann\"}");
    assertThat(json.out()).isEqualTo("{\"msg\":\"Hello Ann\"}\n");
  }

  @Test
  void callSendsMetadataAndCanSkipDiscovery() {
    Result md = run("call", "-m", "X-User=ann", "--metadata", "X-Other=1", "go.micro.srv.greeter", "Say.Who",
        "{\"name\":\"John\"}");
    assertThat(md.out()).contains("\"msg\": \"John from ann\"");

    Result direct = run("call", "--address", address, "any.name.at.all", "Say.Hello", "{\"name\":\"Bob\"}");
    assertThat(direct.exit()).as(direct.err()).isZero();
    assertThat(direct.out()).contains("Hello Bob");
  }

  @Test
  void streamPrintsEveryMessageUntilTheServerEndsTheStream() {
    Result r = run("stream", "go.micro.srv.greeter", "Say.Stream", "{\"name\": \"John\"}");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("{\n\t\"msg\": \"Hello John 1\"\n}\n{\n\t\"msg\": \"Hello John 2\"\n}\n"
        + "{\n\t\"msg\": \"Hello John 3\"\n}\n");

    Result json = run("-o", "json", "stream", "go.micro.srv.greeter", "Say.Stream", "{\"name\":\"A\"}");
    assertThat(json.out()).isEqualTo("{\"msg\":\"Hello A 1\"}\n{\"msg\":\"Hello A 2\"}\n{\"msg\":\"Hello A 3\"}\n");

    Result failed = run("-o", "json", "stream", "go.micro.srv.greeter", "Say.StreamFail", "{}");
    assertThat(failed.exit()).isEqualTo(1);
    assertThat(failed.out()).isEqualTo("{\"msg\":\"first\"}\n");
    assertThat(failed.err()).contains("\"code\":409").contains("stop after one");
  }

  @Test
  void aFailedCallExitsNonZeroWithTheErrorJsonOnStderr() {
    Result r = run("call", "go.micro.srv.greeter", "Say.Hello", "{\"name\":\"\"}");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().strip()).isEqualTo(
        "{\"id\":\"go.micro.srv.greeter\",\"code\":400,\"detail\":\"Name cannot be blank\",\"status\":\"Bad Request\"}");
  }

  @Test
  void invalidJsonIsReportedWithItsPosition() {
    Result r = run("call", "go.micro.srv.greeter", "Say.Hello", "{\"name\": }");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("request: invalid JSON at line 1, column 10")
        .contains("\n  {\"name\": }\n           ^");

    Result trailing = run("register", "service", "{\"name\":\"x\"} junk");
    assertThat(trailing.exit()).isEqualTo(1);
    assertThat(trailing.err()).contains("service: invalid JSON at line 1, column 14");
  }

  @Test
  void registerAndDeregisterAServiceFromJson() {
    String json = "{\"name\":\"foo.bar\",\"version\":\"2\",\"nodes\":[{\"id\":\"foo.bar-1\",\"address\":\"127.0.0.1:9091\","
        + "\"metadata\":{\"k\":\"v\"}}]}";
    Result reg = run("register", "service", json);
    assertThat(reg.exit()).as(reg.err()).isZero();
    assertThat(reg.out()).isEqualTo("ok\n");
    assertThat(registry.getService("foo.bar")).singleElement()
        .satisfies(s -> assertThat(s.nodes()).extracting(n -> n.address()).containsExactly("127.0.0.1:9091"));
    assertThat(run("get", "service", "foo.bar").out()).contains("foo.bar-1\t127.0.0.1:9091\tk=v");

    Result dereg = run("deregister", "service", json);
    assertThat(dereg.out()).isEqualTo("ok\n");
    assertThat(registry.getService("foo.bar")).isEmpty();

    Result noName = run("register", "service", "{\"nodes\":[]}");
    assertThat(noName.exit()).isEqualTo(1);

    String legacy = "{\"name\":\"old.style\",\"nodes\":[{\"id\":\"old-1\",\"address\":\"127.0.0.1\",\"port\":9092}]}";
    assertThat(run("register", "service", legacy).exit()).isZero();
    assertThat(registry.getService("old.style").get(0).nodes().get(0).address()).isEqualTo("127.0.0.1:9092");
    assertThat(run("deregister", "service", legacy).exit()).isZero();
    assertThat(registry.getService("old.style")).isEmpty();

    Result notAService = run("register", "service", "[1, 2]");
    assertThat(notAService.exit()).isEqualTo(1);
    assertThat(notAService.err()).contains("service: ").contains("expected: {\"name\"");
  }

  @Test
  void healthAndStatsAskEveryNode() {
    Result h = run("health", "go.micro.srv.greeter");
    assertThat(h.exit()).as(h.err()).isZero();
    assertThat(h.out()).startsWith("service  go.micro.srv.greeter\n\nversion 1.0.0\n\nnode\t\taddress:port\t\tstatus\n")
        .contains("\t\t" + address + "\t\tok");

    Result s = run("stats", "go.micro.srv.greeter");
    assertThat(s.exit()).as(s.err()).isZero();
    assertThat(s.out()).contains("started\tuptime\tmemory\tthreads\tgc").containsPattern(
        "\t\t" + java.util.regex.Pattern.quote(address) + "\t\t\\w{3} \\d+ \\d\\d:\\d\\d:\\d\\d\t\\S+s\t\\d+\\.\\d\\dmb\t\\d+\t");

    Result sj = run("stats", "go.micro.srv.greeter", "--output=json");
    assertThat(sj.out()).contains("\"stats\":{").contains("\"threads\":");
  }

  @Test
  void healthReportsANodeThatDoesNotAnswer() throws Exception {
    io.micro.registry.Service dead = new io.micro.registry.Service("dead.svc", "1", Map.of(), java.util.List.of(),
        java.util.List.of(io.micro.registry.Node.of("dead-1", "127.0.0.1:1")));
    registry.register(dead, java.time.Duration.ZERO);
    try {
      Result h = run("--client_retries=0", "--client_request_timeout=2s", "health", "dead.svc");
      assertThat(h.exit()).isEqualTo(1);
      assertThat(h.out()).contains("dead-1\t\t127.0.0.1:1\t\t").doesNotContain("\tok");
    } finally {
      registry.deregister(dead);
    }
  }

  @Test
  void publishSendsTheMessageThroughTheBroker() throws Exception {
    LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>();
    var sub = broker.subscribe("cli.topic", d -> got.add(new String(d.event().body(), StandardCharsets.UTF_8)),
        SubscribeOptions.DEFAULT);
    try {
      Result r = run("publish", "cli.topic", "{\"say\":\"hello\"}");
      assertThat(r.exit()).as(r.err()).isZero();
      assertThat(r.out()).isEqualTo("ok\n");
      assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("{\"say\":\"hello\"}");
    } finally {
      sub.unsubscribe();
    }
  }

  @Test
  void unknownCommandsAndFlagsGetUsageAndTheNearestMatch() {
    Result cmd = run("lst", "services");
    assertThat(cmd.exit()).isEqualTo(2);
    assertThat(cmd.err()).contains("lst").contains("Did you mean").contains("list").contains("Usage: micro");

    Result flag = run("call", "--adress=x", "a", "b");
    assertThat(flag.exit()).isEqualTo(2);
    assertThat(flag.err()).contains("--adress").contains("--address").contains("Usage: micro call");
  }

  @Test
  void completionScriptsCoverCommandsAndFlags() {
    assertThat(run("call", "-V").out()).startsWith("micro ");
    Result bash = run("completion", "bash");
    assertThat(bash.exit()).isZero();
    assertThat(bash.out()).contains("complete -F").contains("services").contains("--registry");
    Result zsh = run("completion", "zsh");
    assertThat(zsh.out()).startsWith("autoload -U +X compinit").contains("bashcompinit");
    assertThat(run("completion", "fish").exit()).isEqualTo(2);
  }
}
