package io.micro.registry.mdns;

import static org.assertj.core.api.Assertions.assertThat;

import io.micro.registry.Endpoint;
import io.micro.registry.Node;
import io.micro.registry.Service;
import io.micro.registry.Watcher;
import io.micro.registry.Watcher.Result;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** TTLs, crashes, nodes that only answer queries, and malformed records, on loopback. */
class MdnsLivenessTest {
  private static final InetSocketAddress GROUP = new InetSocketAddress("224.0.0.251", 5353);
  private static final Duration TTL = Duration.ofSeconds(2);
  /** The promise: gone within the TTL plus one second; the test allows scheduling slack on top. */
  private static final Duration GONE_WITHIN = TTL.plusSeconds(1).plusSeconds(2);

  private MdnsRegistry reader;
  private final List<AutoCloseable> closing = new ArrayList<>();

  @BeforeEach
  void open() {
    reader = MdnsRegistry.create();
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
    reader.close();
  }

  private static String uniqueName() {
    return "go.micro.srv.live-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static Service service(String name, String nodeId, int port) {
    return new Service(name, "1.0", Map.of(), List.of(new Endpoint("Say.Hello", null, null, Map.of())),
        List.of(new Node(nodeId, "127.0.0.1:" + port, Map.of("protocol", "mucp"))));
  }

  @Test
  void aCrashedNodeDisappearsFromWatchersAndLookupsAfterItsTtl() {
    String name = uniqueName();
    Service svc = service(name, name + "-1", 41001);
    MdnsRegistry writer = MdnsRegistry.builder().hostName("crashing").build();
    try (Watcher watcher = reader.watch(name)) {
      writer.register(svc, TTL);
      assertThat(next(watcher, Duration.ofSeconds(5))).isEqualTo(new Result("create", svc));
      assertThat(reader.getService(name)).hasSize(1);

      writer.crash(); // sockets closed, no goodbye

      assertThat(next(watcher, GONE_WITHIN)).isEqualTo(new Result("delete", svc));
      assertThat(reader.getService(name)).isEmpty();
    } finally {
      writer.close();
    }
  }

  @Test
  void recordsCarryTheRegistrationTtlAndANodeNotRenewedStopsAnswering() throws Exception {
    String name = uniqueName();
    MdnsRegistry writer = MdnsRegistry.builder().hostName("lapsing").build();
    closing.add(writer);
    writer.register(service(name, name + "-1", 41002), Duration.ofMillis(1500));
    List<Packet> answers = query(name);
    assertThat(answers).hasSize(1);
    assertThat(answers.get(0).records()).extracting(Rr::ttl).containsOnly(2L); // 1.5 s rounded up

    Thread.sleep(2000); // past the TTL without renewal
    assertThat(query(name)).isEmpty();
  }

  @Test
  void aNodeThatAnnouncesOnceButAnswersQueriesOutlivesItsRecordTtl() throws Exception {
    String name = uniqueName();
    Service svc = service(name, name + "-go", 41003);
    // a go-micro-like node: one announcement, then it only answers queries (here with TTL 2 s)
    Instance instance = Instance.of(svc, svc.nodes().get(0), "micro", "gohost.", TTL.toSeconds());
    Responder goNode = responder(q -> Names.same(q.name(), instance.serviceName())
        ? List.of(instance.answer()) : List.of());
    try (Watcher watcher = reader.watch(name)) {
      goNode.announce(instance.announcement(instance.ttl()));
      assertThat(next(watcher, Duration.ofSeconds(5))).isEqualTo(new Result("create", svc));

      // two record lifetimes: the reader re-queries before each expiry, so nothing is deleted
      assertThat(watcher.next(TTL.multipliedBy(2).plusMillis(500))).isEmpty();

      goNode.close(); // now it stops answering
      assertThat(next(watcher, GONE_WITHIN)).isEqualTo(new Result("delete", svc));
    } finally {
      goNode.close();
    }
  }

  @Test
  void malformedRecordsAreSkippedAndTheWatcherCarriesOn() throws Exception {
    String name = uniqueName();
    Service good = service(name, name + "-good", 41004);
    Instance goodInstance = Instance.of(good, good.nodes().get(0), "micro", "peer.", 120);
    Responder peer = responder(q -> List.of());
    closing.add(peer);
    try (Watcher watcher = reader.watch("")) {
      String notHex = "nothex." + name + ".micro.";
      String notZlib = "notzlib." + name + ".micro.";
      String notJson = "notjson." + name + ".micro.";
      peer.announce(crafted(notHex, List.of("zz-this-is-not-hex")));
      peer.announce(crafted(notZlib, List.of("00112233445566778899")));
      peer.announce(crafted(notJson, List.of(HexFormat.of().formatHex(zlib("{\"service\": nope")))));
      peer.announce(goodInstance.announcement(120));

      Result first = nextOf(watcher, name);
      assertThat(first).isEqualTo(new Result("create", good));
      assertThat(reader.skippedAsMalformed(notHex)).isTrue();
      assertThat(reader.skippedAsMalformed(notZlib)).isTrue();
      assertThat(reader.skippedAsMalformed(notJson)).isTrue();
      assertThat(reader.skippedAsMalformed(goodInstance.instanceName())).isFalse();

      peer.announce(goodInstance.announcement(0));
      assertThat(nextOf(watcher, name)).isEqualTo(new Result("delete", good));
    }
  }

  private static List<Rr> crafted(String instanceName, List<String> txt) throws Exception {
    return List.of(
        Rr.srv(instanceName, 120, 41005, "peer."),
        Rr.address("peer.", 120, InetAddress.getLoopbackAddress()),
        Rr.txt(instanceName, 120, txt));
  }

  private static byte[] zlib(String text) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DeflaterOutputStream z = new DeflaterOutputStream(out)) {
      z.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  private static Responder responder(
      java.util.function.Function<Packet.Question, List<List<Rr>>> answers) throws Exception {
    NetworkInterface lo = NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
    return new Responder(lo, InetAddress.getLoopbackAddress(), GROUP, answers, p -> {});
  }

  private static List<Packet> query(String name) throws Exception {
    NetworkInterface lo = NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
    List<Packet> answers = new ArrayList<>();
    Lookup.query(lo, InetAddress.getLoopbackAddress(), GROUP, name + ".micro.", Duration.ofMillis(400),
        answers::add);
    return answers;
  }

  private static Result next(Watcher watcher, Duration within) {
    Optional<Result> r = watcher.next(within);
    return r.orElseThrow(() -> new AssertionError("no watch result within " + within));
  }

  private static Result nextOf(Watcher watcher, String name) {
    while (true) {
      Result r = next(watcher, Duration.ofSeconds(5));
      if (r.service().name().equals(name)) {
        return r;
      }
    }
  }
}
