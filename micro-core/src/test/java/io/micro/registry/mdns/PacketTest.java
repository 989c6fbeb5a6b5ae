package io.micro.registry.mdns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micro.registry.Endpoint;
import io.micro.registry.Node;
import io.micro.registry.Service;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PacketTest {
  private static final String GO_ID = "go.micro.srv.greeter-723157fe-2259-4d0a-abb9-e073b0914a40";

  @Test
  void readsTheNodeOfARealGoMicroAnnouncementKeepingTheDotsOfItsId() throws IOException {
    Packet packet = GoCapture.announcement();

    assertThat(packet.flags()).isEqualTo(0x8000);
    assertThat(packet.records()).extracting(Rr::type).containsExactly(Rr.SRV, Rr.A, Rr.TXT);
    List<Sighting> sightings = Sighting.read(packet, "micro");

    assertThat(sightings).hasSize(1);
    Sighting s = sightings.get(0);
    assertThat(s.ttl()).isEqualTo(120);
    assertThat(s.node().id()).isEqualTo(GO_ID);
    assertThat(s.node().address()).isEqualTo("127.0.0.1:45199");
    assertThat(s.node().metadata()).containsEntry("registry", "mdns");
    assertThat(s.service().name()).isEqualTo("go.micro.srv.greeter");
    assertThat(s.service().version()).isEqualTo("latest");
    assertThat(s.service().endpoints()).hasSize(4);
  }

  @Test
  void ourAnswerDecodesToTheSameNodeAndLooksLikeGoMicros() {
    Service service =
        new Service(
            "go.micro.srv.greeter",
            "1.0",
            Map.of(),
            List.of(new Endpoint("Say.Hello", null, null, Map.of())),
            List.of(new Node(GO_ID, "127.0.0.1:8080", Map.of("protocol", "mucp"))));
    Instance instance = Instance.of(service, service.nodes().get(0), "micro", "vm.", Instance.TTL);
    Packet.Question question = new Packet.Question("go.micro.srv.greeter.micro.", Rr.PTR, 1);
    byte[] bytes = new Packet(0, Packet.QR | Packet.AA, List.of(question), instance.answer()).encode();

    Packet decoded = Packet.decode(bytes, bytes.length);

    assertThat(decoded.flags()).isEqualTo(0x8400);
    assertThat(decoded.questions()).containsExactly(question);
    assertThat(decoded.records()).extracting(Rr::type).containsExactly(Rr.PTR, Rr.SRV, Rr.A, Rr.TXT);
    assertThat(decoded.records().get(0).target()).isEqualTo(GO_ID + ".go.micro.srv.greeter.micro.");
    assertThat(decoded.records().get(1).target()).isEqualTo("vm.");
    assertThat(Sighting.read(decoded, "micro"))
        .containsExactly(new Sighting(service, GO_ID + ".go.micro.srv.greeter.micro.", 120));
  }

  @Test
  void goodbyeCarriesTtlZero() {
    Service service = Service.of("svc", "1").withNodes(List.of(Node.of("n.1", "[::1]:9090")));
    Instance instance = Instance.of(service, service.nodes().get(0), "micro", "h.", Instance.TTL);
    byte[] bytes = new Packet(0, Packet.QR, List.of(), instance.announcement(0)).encode();

    List<Sighting> read = Sighting.read(Packet.decode(bytes, bytes.length), "micro");

    assertThat(read).singleElement().satisfies(s -> {
      assertThat(s.ttl()).isZero();
      assertThat(s.node()).isEqualTo(Node.of("n.1", "[::1]:9090"));
    });
  }

  @Test
  void wildcardAnswerListsTheServiceName() {
    byte[] bytes =
        new Packet(0, Packet.QR | Packet.AA, List.of(), Instance.wildcard("go.micro.srv.greeter", "micro", "vm."))
            .encode();
    Packet decoded = Packet.decode(bytes, bytes.length);
    assertThat(Sighting.serviceNames(decoded, "micro")).containsExactly("go.micro.srv.greeter");
    assertThat(Sighting.read(decoded, "micro")).isEmpty();
  }

  @Test
  void badNodeAddressesAndOverlongLabelsAreRefusedNamingThem() {
    Service service = Service.of("svc", "1");
    assertThatThrownBy(() -> Instance.of(service, Node.of("a", "localhost:80"), "micro", "h.", Instance.TTL))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("node address: 'localhost:80' (expected: ip:port, e.g. 127.0.0.1:8080 or [::1]:8080)");
    assertThatThrownBy(() -> Instance.of(service, Node.of("x".repeat(64), "127.0.0.1:80"), "micro", "h.", Instance.TTL))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("of 64 bytes")
        .hasMessageContaining("expected: 1 to 63 bytes between dots");
  }

  @Test
  void truncatedMessagesAreRejected() {
    assertThatThrownBy(() -> Packet.decode(new byte[5], 5)).isInstanceOf(IllegalArgumentException.class);
    byte[] header = {0, 0, (byte) 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0};
    assertThatThrownBy(() -> Packet.decode(header, header.length))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("truncated");
  }
}
