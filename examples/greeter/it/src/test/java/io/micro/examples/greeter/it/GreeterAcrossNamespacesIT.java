package io.micro.examples.greeter.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * More than one host (issue 3 §5): two greeter servers and a client, each a JVM in a network
 * namespace of its own, joined by veth links to one bridge ({@link Netns}), find each other over
 * mDNS on that link ({@code --registry=mdns --registry_address=veth0}) and the client's calls
 * spread over both servers. Addresses are private to the namespaces; nothing touches a real network.
 *
 * <p>Needs root and iproute2 ({@code ip netns}): otherwise skipped with the reason, or failed when
 * {@code MICRO_IT_REQUIRE=1}.
 */
class GreeterAcrossNamespacesIT {

  private static final int CALLS = 20;
  private static final int PORT = 9090;
  private static final Duration START = Duration.ofSeconds(60);

  private static Netns net;
  private static String unavailable;
  private static final List<JavaProcess> processes = new ArrayList<>();
  private static final Map<String, String> addresses = new java.util.LinkedHashMap<>();

  @BeforeAll
  static void startTwoServersOnTwoHosts() throws Exception {
    String uid = uid();
    if (!"0".equals(uid)) {
      unavailable("needs root to create network namespaces (uid " + uid + ")");
      return;
    }
    try {
      net = Netns.create();
    } catch (IOException e) {
      unavailable("cannot create network namespaces with iproute2: " + e.getMessage());
      return;
    }
    for (String host : List.of("a", "b", "c")) {
      addresses.put(host, net.addHost(host));
    }
    for (String host : List.of("a", "b")) {
      processes.add(JavaProcess.startWith("netns-server-" + host, net.exec(host), List.of(
          "-Xmx128m", "-XX:TieredStopAtLevel=1", "-jar", JavaProcess.jar("greeter.server.jar").toString(),
          "--server_address=" + addresses.get(host) + ":" + PORT,
          "--registry=mdns", "--registry_address=" + Netns.INTERFACE)));
    }
    for (JavaProcess server : processes) {
      server.awaitOutput("registered go.micro.srv.greeter node", START);
    }
  }

  /** Skips each test with the reason, so that reports show it (an abort in @BeforeAll shows none). */
  @BeforeEach
  void skipWhenNamespacesAreUnavailable() {
    Assumptions.assumeTrue(unavailable == null, unavailable);
  }

  @AfterAll
  static void stopServersAndDeleteNamespaces() throws Exception {
    try {
      for (JavaProcess p : processes) {
        p.close();
      }
    } finally {
      processes.clear();
      if (net != null) {
        net.close();
        net = null;
      }
    }
  }

  @Test
  void clientOnAThirdHostFindsBothServersOverMdnsAndItsCallsSpreadOverThem() throws Exception {
    String classpath = JavaProcess.jar("greeter.client.jar") + File.pathSeparator + testClasses();
    JavaProcess client = JavaProcess.startWith("netns-client", net.exec("c"), List.of(
        "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp", classpath, SpreadClient.class.getName(),
        "2", String.valueOf(CALLS), "--registry=mdns", "--registry_address=" + Netns.INTERFACE));
    processes.add(client);

    int status = client.awaitExit();

    String context = client.output() + "\n" + processes.get(0).output() + "\n" + processes.get(1).output()
        + "\n" + net.describe();
    assertThat(status).as("client exit status\n%s", context).isZero();
    List<String> lines = client.stdout().lines().toList();
    String a = addresses.get("a") + ":" + PORT;
    String b = addresses.get("b") + ":" + PORT;
    // discovered over mDNS on veth0: both servers, at their namespaces' addresses
    assertThat(lines.stream().filter(l -> l.startsWith("node ")).map(l -> l.split(" ")[2]))
        .as(context).containsExactlyInAnyOrder(a, b);
    List<String[]> replies = lines.stream().filter(l -> l.startsWith("reply ")).map(l -> l.split(" ", 3)).toList();
    assertThat(replies).as(context).hasSize(CALLS);
    for (int i = 0; i < CALLS; i++) {
      assertThat(replies.get(i)[2]).as(context).isEqualTo("Hello John " + i);
    }
    Map<String, Long> perServer = replies.stream()
        .collect(Collectors.groupingBy(r -> r[1], Collectors.counting()));
    // random selection: all 20 calls on one of two servers has probability 2^-19
    assertThat(perServer).as("calls per answering server\n%s", context).containsOnlyKeys(a, b);
  }

  @Test
  void clientOnTheLoopbackOfAThirdHostFindsNoServerBecauseTheHostsShareOnlyTheVethLink() throws Exception {
    String classpath = JavaProcess.jar("greeter.client.jar") + File.pathSeparator + testClasses();
    // the default mDNS interface is lo, which is private to host c's namespace
    JavaProcess client = JavaProcess.startWith("netns-client-lo", net.exec("c"), List.of(
        "-Xmx128m", "-XX:TieredStopAtLevel=1", "-Dspread.discoveryMillis=3000", "-cp", classpath,
        SpreadClient.class.getName(), "1", "1", "--registry=mdns"));
    processes.add(client);

    int status = client.awaitExit();

    assertThat(status).as(client.output()).isEqualTo(1);
    assertThat(client.stdout()).as(client.output()).doesNotContain("node ", "reply ");
    assertThat(client.stderr()).as(client.output()).contains("go.micro.srv.greeter: 0 nodes");
  }

  private static Path testClasses() throws URISyntaxException {
    return Path.of(SpreadClient.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  /** The real user id of this process, from /proc (Linux); {@code ?} when unknown. */
  private static String uid() {
    try {
      return Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8).stream()
          .filter(l -> l.startsWith("Uid:"))
          .map(l -> l.split("\\s+")[1])
          .findFirst()
          .orElse("?");
    } catch (IOException e) {
      return "?";
    }
  }

  /** Fails under {@code MICRO_IT_REQUIRE=1}; otherwise records why every test is skipped. */
  private static void unavailable(String reason) {
    if ("1".equals(System.getenv("MICRO_IT_REQUIRE"))) {
      fail(reason + " (MICRO_IT_REQUIRE=1: required, not skipped)");
    }
    unavailable = reason;
  }
}
