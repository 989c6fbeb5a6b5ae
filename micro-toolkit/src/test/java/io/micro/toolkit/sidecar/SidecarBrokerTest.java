package io.micro.toolkit.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micro.broker.Event;
import io.micro.broker.memory.MemoryBroker;
import io.micro.client.Client;
import io.micro.registry.memory.MemoryRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code /broker} with real websocket clients (the JDK's) over a memory broker. */
class SidecarBrokerTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static MemoryRegistry registry;
  static MemoryBroker broker;
  static CountingBroker counting;
  static Client client;
  static Sidecar sidecar;
  static HttpClient http;
  final List<WebSocket> sockets = new ArrayList<>();

  @BeforeAll
  static void start() {
    registry = MemoryRegistry.create();
    broker = MemoryBroker.create();
    client = Client.builder().selector(io.micro.selector.Selector.create(registry)).build();
    counting = new CountingBroker(broker);
    sidecar = Sidecar.builder().registry(registry).client(client).broker(counting)
        .address("127.0.0.1:0").maxFrameBytes(1024).build().start();
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stop() {
    sidecar.close();
    client.close();
    broker.close();
    registry.close();
  }

  @AfterEach
  void closeSockets() {
    sockets.forEach(WebSocket::abort);
  }

  /** A websocket client that queues what it receives and how it was closed. */
  static final class Listener implements WebSocket.Listener {
    final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final StringBuilder part = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      part.append(data);
      if (last) {
        messages.add(part.toString());
        part.setLength(0);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
      closed.complete(status);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      closed.complete(-1);
    }

    JsonNode next() throws Exception {
      String m = messages.poll(10, TimeUnit.SECONDS);
      assertThat(m).as("a message within 10 s").isNotNull();
      return JSON.readTree(m);
    }
  }

  WebSocket open(String query, Listener listener) throws Exception {
    WebSocket ws = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
        .buildAsync(URI.create(sidecar.url().replace("http", "ws") + "/broker?" + query), listener)
        .get(10, TimeUnit.SECONDS);
    sockets.add(ws);
    return ws;
  }

  /** Waits until the sidecar has subscribed {@code n} sockets to {@code topic} (it does so asynchronously). */
  static void awaitSubscribers(String topic, int n) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (counting.subscribers(topic) < n) {
      assertThat(System.nanoTime()).as("%d subscribers on %s within 10 s", n, topic).isLessThan(end);
      Thread.sleep(10);
    }
  }

  @Test
  void framesArePublishedAndEventsArePushed() throws Exception {
    Listener reader = new Listener();
    open("topic=greetings", reader);
    Listener writer = new Listener();
    WebSocket w = open("topic=other", writer);
    awaitSubscribers("greetings", 1);

    List<Event> direct = new java.util.concurrent.CopyOnWriteArrayList<>();
    broker.subscribe("other", d -> direct.add(d.event()));
    w.sendText("hello world", true).get(10, TimeUnit.SECONDS);
    broker.publish("greetings", Event.of(Map.of("Content-Type", "text/plain"),
        "hi there".getBytes(StandardCharsets.UTF_8)));

    JsonNode pushed = reader.next();
    assertThat(pushed.path("Header").path("Content-Type").asText()).isEqualTo("text/plain");
    assertThat(Base64.getDecoder().decode(pushed.path("Body").asText()))
        .isEqualTo("hi there".getBytes(StandardCharsets.UTF_8));
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (direct.isEmpty() && System.nanoTime() < end) {
      Thread.sleep(10);
    }
    assertThat(direct).hasSize(1);
    assertThat(new String(direct.get(0).body(), StandardCharsets.UTF_8)).isEqualTo("hello world");
    assertThat(direct.get(0).topic()).isEqualTo("other");
  }

  @Test
  void aSocketGetsWhatAnotherSocketSends() throws Exception {
    Listener a = new Listener();
    open("topic=chat", a);
    Listener b = new Listener();
    WebSocket bs = open("topic=chat", b);
    awaitSubscribers("chat", 2);

    bs.sendText("hello world", true).get(10, TimeUnit.SECONDS);

    assertThat(a.next().path("Body").asText()).isEqualTo("aGVsbG8gd29ybGQ=");
    assertThat(b.next().path("Body").asText()).isEqualTo("aGVsbG8gd29ybGQ=");
  }

  @Test
  void aQueueGroupGetsEachEventOnceAndAPlainSubscriberGetsAll() throws Exception {
    Listener q1 = new Listener();
    open("topic=jobs&queue=workers", q1);
    Listener q2 = new Listener();
    open("topic=jobs&queue=workers", q2);
    Listener all = new Listener();
    open("topic=jobs", all);
    awaitSubscribers("jobs", 3);

    for (int i = 0; i < 10; i++) {
      broker.publish("jobs", Event.of(Map.of(), ("job " + i).getBytes(StandardCharsets.UTF_8)));
    }

    for (int i = 0; i < 10; i++) {
      all.next();
    }
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (q1.messages.size() + q2.messages.size() < 10 && System.nanoTime() < end) {
      Thread.sleep(10);
    }
    Thread.sleep(200); // a duplicate, if any, would show up now
    assertThat(q1.messages.size() + q2.messages.size()).isEqualTo(10);
  }

  @Test
  void aMessageOverTheLimitClosesWith1009() throws Exception {
    Listener l = new Listener();
    WebSocket ws = open("topic=big", l);

    ws.sendBinary(ByteBuffer.wrap(new byte[4096]), true);

    assertThat(l.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1009);
  }

  @Test
  void badBrokerRequestsAre4xx() throws Exception {
    HttpResponse<String> noTopic = http.send(HttpRequest.newBuilder(URI.create(sidecar.url() + "/broker"))
        .build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> noUpgrade = http.send(HttpRequest.newBuilder(
        URI.create(sidecar.url() + "/broker?topic=x")).build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> post = http.send(HttpRequest.newBuilder(
        URI.create(sidecar.url() + "/broker?topic=x")).POST(HttpRequest.BodyPublishers.ofString("x"))
        .build(), HttpResponse.BodyHandlers.ofString());

    assertThat(noTopic.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(noTopic.body()).path("detail").asText()).contains("topic");
    assertThat(noUpgrade.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(noUpgrade.body()).path("detail").asText()).contains("websocket");
    assertThat(post.statusCode()).isEqualTo(405);
  }
}
