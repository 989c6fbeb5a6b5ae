package io.micro.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micro.broker.Event;
import io.micro.broker.SubscribeOptions;
import io.micro.broker.memory.MemoryBroker;
import io.micro.client.Client;
import io.micro.client.PublishOptions;
import io.micro.metadata.Metadata;
import io.micro.registry.Endpoint;
import io.micro.registry.Service;
import io.micro.registry.memory.MemoryRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Server subscribers and client publish, over the memory broker and registry. */
class SubscriberTest {
  /** A message as a Go publisher sends it. */
  public record Greeting(int id, String message) {}

  /** A subscriber object: both methods get every message of its topic. */
  public static final class Listener {
    final List<Greeting> plain = new CopyOnWriteArrayList<>();
    final List<Metadata> metadata = new CopyOnWriteArrayList<>();

    public void onGreeting(Greeting g) {
      plain.add(g);
    }

    public void withMetadata(Metadata md, Greeting g) {
      metadata.add(md);
    }
  }

  private final MemoryRegistry registry = MemoryRegistry.create();
  private final MemoryBroker.Hub hub = MemoryBroker.Hub.create();
  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
    registry.close();
  }

  private MemoryBroker broker() {
    MemoryBroker b = MemoryBroker.builder().hub(hub).build();
    closing.add(b);
    return b;
  }

  private Server server(String name, MemoryBroker broker, SubscriberWrapper... wrappers) {
    Server s = Server.builder().name(name).registry(registry).broker(broker).wrapSubscriber(wrappers).build();
    closing.add(s);
    return s;
  }

  private Client client(MemoryBroker broker) {
    Client c = Client.builder().broker(broker).build();
    closing.add(c);
    return c;
  }

  private static void eventually(BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + 10_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("condition not met within 10 s");
      }
      Thread.sleep(10);
    }
  }

  @Test
  void objectSubscriberGetsEachMessageDecodedWithItsMetadata() throws Exception {
    MemoryBroker broker = broker();
    Listener listener = new Listener();
    Server server = server("greeter", broker).subscribe("greetings", listener);
    server.start();

    Metadata.callWith(Metadata.of("User", "ann"), () -> {
      client(broker).publish("greetings", new Greeting(1, "hi"));
      return null;
    });

    eventually(() -> listener.plain.size() == 1 && listener.metadata.size() == 1);
    assertThat(listener.plain.get(0)).isEqualTo(new Greeting(1, "hi"));
    Metadata md = listener.metadata.get(0);
    assertThat(md.get("User")).contains("ann");
    assertThat(md.get("Micro-Topic")).contains("greetings");
    assertThat(md.get("Content-Type")).contains("application/json");
    assertThat(md.get("Micro-ID").orElseThrow()).matches("[0-9a-f-]{36}");
  }

  @Test
  void subscribersAreRegisteredAsGoMicroDoes() {
    MemoryBroker broker = broker();
    Server server = server("greeter", broker)
        .subscribe("greetings", new Listener())
        .subscribe("go.micro.topic.greeting", Greeting.class, (md, g) -> { });
    server.start();

    Service svc = registry.getService("greeter").get(0);
    assertThat(svc.nodes().get(0).metadata()).containsEntry("broker", "memory");
    assertThat(svc.endpoints()).extracting(Endpoint::name)
        .contains("Func", "Listener.OnGreeting", "Listener.WithMetadata");
    Endpoint func = svc.endpoints().stream().filter(e -> e.name().equals("Func")).findFirst().orElseThrow();
    assertThat(func.response()).isNull();
    assertThat(func.metadata()).containsExactlyInAnyOrderEntriesOf(
        Map.of("subscriber", "true", "topic", "go.micro.topic.greeting"));
    assertThat(func.request().name()).isEqualTo("Greeting");
  }

  @Test
  void undecodablePayloadIsCountedAndAcknowledgedNotLooped() throws Exception {
    MemoryBroker broker = broker();
    List<Greeting> got = new CopyOnWriteArrayList<>();
    Server server = server("greeter", broker).subscribe("greetings", Greeting.class, (md, g) -> got.add(g));
    server.start();

    broker.publish("greetings", Event.of(Map.of("Content-Type", "application/json", "Micro-ID", "bad-1"),
        "{not json".getBytes(StandardCharsets.UTF_8)));
    broker.publish("greetings", Event.of(Map.of("Content-Type", "application/x-unknown"), new byte[] {1}));
    client(broker).publish("greetings", new Greeting(2, "fine"));

    eventually(() -> got.size() == 1);
    Thread.sleep(200); // a looping bad event would be counted again meanwhile
    assertThat(server.undecodableMessages()).isEqualTo(2);
    assertThat(got).containsExactly(new Greeting(2, "fine"));
  }

  @Test
  void throwingSubscriberGetsTheMessageAgain() throws Exception {
    MemoryBroker broker = broker();
    AtomicInteger calls = new AtomicInteger();
    Server server = server("greeter", broker).subscribe("greetings", Greeting.class, (md, g) -> {
      if (calls.incrementAndGet() == 1) {
        throw new IllegalStateException("first time fails");
      }
    });
    server.start();
    client(broker).publish("greetings", new Greeting(3, "again"));
    eventually(() -> calls.get() == 2);
  }

  @Test
  void wrappersRunOutermostFirstAndMayRewriteTheMessage() throws Exception {
    MemoryBroker broker = broker();
    List<String> trace = new CopyOnWriteArrayList<>();
    List<Greeting> got = new CopyOnWriteArrayList<>();
    SubscriberWrapper outer = (r, next) -> {
      trace.add("outer " + r.topic() + " " + r.endpoint());
      next.handle(r.withMessage(new Greeting(((Greeting) r.message()).id(), "rewritten")));
    };
    SubscriberWrapper inner = (r, next) -> {
      trace.add("inner " + r.contentType());
      next.handle(r);
    };
    server("greeter", broker, outer, inner).subscribe("greetings", Greeting.class, (md, g) -> got.add(g)).start();
    client(broker).publish("greetings", new Greeting(4, "original"));
    eventually(() -> got.size() == 1);
    assertThat(trace).containsExactly("outer greetings Func", "inner application/json");
    assertThat(got.get(0).message()).isEqualTo("rewritten");
  }

  @Test
  void queueGroupOfTwoServersHandlesEachMessageOnce() throws Exception {
    MemoryBroker broker = broker();
    List<Integer> got = new CopyOnWriteArrayList<>();
    SubscribeOptions workers = SubscribeOptions.builder().queue("workers").build();
    server("a", broker()).subscribe("jobs", Greeting.class, (md, g) -> got.add(g.id()), workers).start();
    server("b", broker()).subscribe("jobs", Greeting.class, (md, g) -> got.add(g.id()), workers).start();
    Client client = client(broker);
    for (int i = 0; i < 50; i++) {
      client.publish("jobs", new Greeting(i, "job"));
    }
    eventually(() -> got.size() >= 50);
    Thread.sleep(100);
    assertThat(got).hasSize(50).doesNotHaveDuplicates();
  }

  @Test
  void stopDeregistersThenUnsubscribes() throws Exception {
    MemoryBroker broker = broker();
    List<Greeting> got = new CopyOnWriteArrayList<>();
    Server server = server("greeter", broker).subscribe("greetings", Greeting.class, (md, g) -> got.add(g));
    server.start();
    server.stop();
    assertThat(registry.getService("greeter")).isEmpty();
    client(broker).publish("greetings", new Greeting(5, "late"));
    Thread.sleep(200);
    assertThat(got).isEmpty();
  }

  @Test
  void publishUsesTheRequestedCodecAndOptionMetadata() throws Exception {
    MemoryBroker broker = broker();
    List<Event> raw = new CopyOnWriteArrayList<>();
    broker.subscribe("raw", d -> raw.add(d.event()));
    client(broker).publish("raw", new byte[] {9, 8},
        PublishOptions.DEFAULT.withContentType("application/octet-stream").withMetadata(Metadata.of("Trace", "t1")));
    eventually(() -> raw.size() == 1);
    Event e = raw.get(0);
    assertThat(e.body()).containsExactly(9, 8);
    assertThat(e.headers()).containsEntry("Content-Type", "application/octet-stream")
        .containsEntry("Micro-Topic", "raw").containsEntry("Trace", "t1").containsKey("Micro-ID");
  }

  @Test
  void subscriberShapesAndMissingBrokerAreRefusedClearly() {
    Server noBroker = Server.builder().name("x").build();
    closing.add(noBroker);
    noBroker.subscribe("t", Greeting.class, (md, g) -> { });
    assertThatThrownBy(noBroker::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("no broker");

    assertThatThrownBy(() -> server("y", broker()).subscribe("t", new BadShape()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BadShape.two")
        .hasMessageContaining("void m(T)");
    assertThatThrownBy(() -> Client.builder().build().publish("t", "x"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no broker");
  }

  /** A subscriber with a method of the wrong shape. */
  public static final class BadShape {
    public void two(String a, String b) { }
  }
}
