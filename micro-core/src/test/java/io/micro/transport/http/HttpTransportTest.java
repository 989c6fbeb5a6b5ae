package io.micro.transport.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micro.errors.MicroException;
import io.micro.transport.Listener;
import io.micro.transport.Message;
import io.micro.transport.Socket;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpTransportTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  /** Go's client request (go-micro-wire-samples.txt 2, tcp.stream 0), Host rewritten per test. */
  private static final String GO_REQUEST = "POST / HTTP/1.1\r\n"
      + "Host: %s\r\n"
      + "User-Agent: Go-http-client/1.1\r\n"
      + "Content-Length: 16\r\n"
      + "Accept: application/json\r\n"
      + "Content-Type: application/json\r\n"
      + "Micro-Endpoint: Say.Hello\r\n"
      + "Micro-Id: %d\r\n"
      + "Micro-Method: Say.Hello\r\n"
      + "Micro-Service: go.micro.srv.greeter\r\n"
      + "Timeout: 5000000000\r\n"
      + "\r\n"
      + "{\"name\":\"John\"}\n";

  private final HttpTransport transport = HttpTransport.builder().maxMessageSize(1024).build();
  private final BlockingQueue<Message> received = new LinkedBlockingQueue<>();
  private final ExecutorService workers = Executors.newFixedThreadPool(4);

  @AfterEach
  void close() throws InterruptedException {
    workers.shutdown();
    workers.awaitTermination(5, TimeUnit.SECONDS);
    transport.close();
  }

  /** Replies {"msg":"Hello <body>"}-style: "re:" + body, from a worker thread, with a Content-Type. */
  private Listener echoServer(HttpTransport t) {
    return t.listen("127.0.0.1:0", (socket, message) -> {
      received.add(message);
      workers.execute(() -> socket.send(new Message(Map.of("Content-Type", "text/plain"),
          ("re:" + new String(message.body(), UTF_8)).getBytes(UTF_8))));
    });
  }

  private static Message msg(String body, String... headers) {
    Map<String, String> h = new LinkedHashMap<>();
    for (int i = 0; i < headers.length; i += 2) {
      h.put(headers[i], headers[i + 1]);
    }
    return new Message(h, body.getBytes(UTF_8));
  }

  private static MicroException cause(Throwable t) {
    Throwable c = t instanceof CompletionException ? t.getCause() : t;
    assertThat(c).isInstanceOf(MicroException.class);
    return (MicroException) c;
  }

  @Test
  void manyMessagesOnOneConnectionAreAnsweredInOrder() {
    Listener l = echoServer(transport);
    Socket c = transport.dial(l.address(), WAIT).join();
    for (int i = 0; i < 200; i++) {
      c.send(msg("m" + i, "Micro-Id", Integer.toString(i))).join();
      assertThat(new String(c.receive(WAIT).join().body(), UTF_8)).isEqualTo("re:m" + i);
    }
    assertThat(c.local()).startsWith("127.0.0.1:");
    assertThat(c.remote()).isEqualTo(l.address());
  }

  @Test
  void goShapedRequestsBecomeMessagesAndRepliesEchoTheFirstRequestHeaders() throws Exception {
    Listener l = echoServer(transport);
    try (RawHttp raw = new RawHttp(l.address())) {
      raw.write(String.format(GO_REQUEST, l.address(), 0));
      RawHttp.Response r = raw.read();
      assertThat(r.statusLine()).isEqualTo("HTTP/1.1 200 OK");
      assertThat(r.body()).isEqualTo("re:{\"name\":\"John\"}\n");
      assertThat(r.headers()).containsEntry("Accept", "application/json")
          .containsEntry("Content-Type", "text/plain")
          .containsEntry("Micro-Endpoint", "Say.Hello")
          .containsEntry("Micro-Id", "0")
          .containsEntry("Timeout", "5000000000")
          .containsEntry("User-Agent", "Go-http-client/1.1")
          .containsEntry("Content-Length", "19")
          .doesNotContainKey("Host");

      raw.write(String.format(GO_REQUEST, l.address(), 1));
      assertThat(raw.read().headers()).containsEntry("Micro-Id", "0"); // the first request's, as Go does
    }
    Message first = received.poll(5, TimeUnit.SECONDS);
    assertThat(first.headers()).containsEntry("Micro-Service", "go.micro.srv.greeter")
        .containsEntry("Micro-Id", "0")
        .doesNotContainKeys("Host", "Content-Length");
    assertThat(first.micro("Endpoint")).isEqualTo("Say.Hello");
    assertThat(received.poll(5, TimeUnit.SECONDS).headers()).containsEntry("Micro-Id", "1");
  }

  @Test
  void headerKeysAreCanonicalAndFragmentedOrPipelinedRequestsAreParsed() throws Exception {
    Listener l = echoServer(transport);
    try (RawHttp raw = new RawHttp(l.address())) {
      raw.writeFragmented("POST / HTTP/1.1\r\nhost: x\r\nmicro-id: 7\r\nX-MICRO-SERVICE: s\r\n"
          + "Content-Length: 3\r\n\r\nabc");
      assertThat(raw.read().body()).isEqualTo("re:abc");
      raw.write("POST / HTTP/1.1\r\nContent-Length: 1\r\n\r\nx" + "POST / HTTP/1.1\r\nContent-Length: 1\r\n\r\ny");
      assertThat(List.of(raw.read().body(), raw.read().body())).containsExactlyInAnyOrder("re:x", "re:y");
    }
    Message m = received.poll(5, TimeUnit.SECONDS);
    assertThat(m.headers()).containsOnlyKeys("Micro-Id", "X-Micro-Service");
    assertThat(m.micro("Service")).isEqualTo("s");
  }

  @Test
  void aGetIsAMessageToo() throws Exception {
    Listener l = echoServer(transport);
    try (RawHttp raw = new RawHttp(l.address())) {
      raw.write("GET / HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n");
      RawHttp.Response r = raw.read();
      assertThat(r.statusLine()).isEqualTo("HTTP/1.1 200 OK");
      assertThat(r.body()).isEqualTo("re:");
    }
  }

  @Test
  void anOversizedBodyGets413WithoutLosingTheConnection() throws Exception {
    Listener l = echoServer(transport);
    try (RawHttp raw = new RawHttp(l.address())) {
      raw.write("POST / HTTP/1.1\r\nContent-Length: 5000\r\n\r\n" + "x".repeat(5000));
      RawHttp.Response r = raw.read();
      assertThat(r.statusLine()).isEqualTo("HTTP/1.1 413 Request Entity Too Large");
      MicroException e = MicroException.parse(r.headers().get("Micro-Error"));
      assertThat(e.code()).isEqualTo(413);
      assertThat(e.detail()).isEqualTo("body: 5000 bytes (expected: <= 1024)");
      assertThat(r.body()).isEqualTo(r.headers().get("Micro-Error"));

      raw.write("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "400\r\n" + "y".repeat(1024) + "\r\n" + "10\r\n" + "y".repeat(16) + "\r\n0\r\n\r\n");
      assertThat(MicroException.parse(raw.read().headers().get("Micro-Error")).detail())
          .isEqualTo("body: 1040 bytes (expected: <= 1024)");

      raw.write("POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\nok");
      assertThat(raw.read().body()).isEqualTo("re:ok");
    }
    assertThat(received).hasSize(1);
  }

  @Test
  void theClientSeesA413AsTheErrorTheServerSent() {
    Listener l = echoServer(transport);
    Socket c = transport.dial(l.address(), WAIT).join();
    c.send(msg("z".repeat(2000))).join();
    assertThatThrownBy(() -> c.receive(WAIT).join()).satisfies(t -> {
      MicroException e = cause(t);
      assertThat(e.code()).isEqualTo(413);
      assertThat(e.id()).isEqualTo("go.micro.server");
      assertThat(e.detail()).isEqualTo("body: 2000 bytes (expected: <= 1024)");
    });
    c.send(msg("fine")).join();
    assertThat(new String(c.receive(WAIT).join().body(), UTF_8)).isEqualTo("re:fine");
  }

  @Test
  void garbageGets400AndClosesOnlyThatConnection() throws Exception {
    Listener l = echoServer(transport);
    Socket good = transport.dial(l.address(), WAIT).join();
    try (RawHttp raw = new RawHttp(l.address())) {
      raw.write(new byte[] {0x16, 0x03, 0x01, 0x00, 0x05, 'h', 'e', 'l', 'l', 'o', '\r', '\n', '\r', '\n'});
      RawHttp.Response r = raw.read();
      assertThat(r.statusLine()).startsWith("HTTP/1.1 400 Bad Request");
      MicroException e = MicroException.parse(r.headers().get("Micro-Error"));
      assertThat(e.code()).isEqualTo(400);
      assertThat(e.detail()).startsWith("malformed HTTP request: ");
      assertThat(raw.closedByPeer()).isTrue();
    }
    good.send(msg("still")).join();
    assertThat(new String(good.receive(WAIT).join().body(), UTF_8)).isEqualTo("re:still");
  }

  @Test
  void headersOverTheLimitGet400AndTheConnectionIsClosed() throws Exception {
    try (HttpTransport small = HttpTransport.builder().maxHeaderSize(256).build()) {
      Listener l = echoServer(small);
      try (RawHttp raw = new RawHttp(l.address())) {
        raw.write("POST / HTTP/1.1\r\nX-Big: " + "a".repeat(1000) + "\r\nContent-Length: 0\r\n\r\n");
        RawHttp.Response r = raw.read();
        assertThat(r.statusLine()).startsWith("HTTP/1.1 400");
        assertThat(MicroException.parse(r.headers().get("Micro-Error")).detail())
            .contains("malformed HTTP request").contains("256");
        assertThat(raw.closedByPeer()).isTrue();
      }
    }
  }

  @Test
  void connectionCloseClosesAfterTheReply() throws Exception {
    Listener l = echoServer(transport);
    try (RawHttp raw = new RawHttp(l.address())) {
      raw.write("POST / HTTP/1.1\r\nConnection: close\r\nContent-Length: 3\r\n\r\nbye");
      RawHttp.Response r = raw.read();
      assertThat(r.body()).isEqualTo("re:bye");
      assertThat(r.headers()).doesNotContainKey("Connection");
      assertThat(raw.closedByPeer()).isTrue();
    }
  }

  @Test
  void receiveTimesOutWith408WhenNoReplyComes() {
    Listener l = transport.listen("127.0.0.1:0", (s, m) -> {});
    Socket c = transport.dial(l.address(), WAIT).join();
    c.send(msg("hello?")).join();
    assertThatThrownBy(() -> c.receive(Duration.ofMillis(50)).join()).satisfies(t -> {
      MicroException e = cause(t);
      assertThat(e.code()).isEqualTo(408);
      assertThat(e.detail()).contains(l.address());
    });
  }

  @Test
  void dialingAClosedPortIsAConnectionErrorNamingTheAddress() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String address = "127.0.0.1:" + port;
    assertThatThrownBy(() -> transport.dial(address, WAIT).join()).satisfies(t -> {
      MicroException e = cause(t);
      assertThat(e.code()).isEqualTo(500);
      assertThat(e.detail()).isEqualTo("connection error: dial " + address + ": Connection refused");
    });
  }

  @Test
  void aServerThatGoesAwayFailsThePendingReceiveNamingTheAddress() {
    Listener l = transport.listen("127.0.0.1:0", (s, m) -> s.close());
    Socket c = transport.dial(l.address(), WAIT).join();
    c.send(msg("x")).join();
    assertThatThrownBy(() -> c.receive(WAIT).join()).satisfies(t -> {
      MicroException e = cause(t);
      assertThat(e.code()).isEqualTo(500);
      assertThat(e.detail()).isEqualTo("connection error: connection to " + l.address() + " closed");
    });
  }

  @Test
  void concurrentConnectionsAreServedIndependently() throws Exception {
    Listener l = echoServer(transport);
    ExecutorService clients = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int n = 0; n < 8; n++) {
        int id = n;
        results.add(clients.submit(() -> {
          Socket c = transport.dial(l.address(), WAIT).join();
          for (int i = 0; i < 50; i++) {
            c.send(msg(id + "-" + i)).join();
            assertThat(new String(c.receive(WAIT).join().body(), UTF_8)).isEqualTo("re:" + id + "-" + i);
          }
          c.close();
          return 50;
        }));
      }
      int total = 0;
      for (Future<Integer> f : results) {
        total += f.get(30, TimeUnit.SECONDS);
      }
      assertThat(total).isEqualTo(400);
    } finally {
      clients.shutdownNow();
    }
  }

  @Test
  void largeBodiesTravelBothWays() {
    try (HttpTransport big = HttpTransport.builder().build()) {
      Listener l = big.listen("127.0.0.1:0", (s, m) -> s.send(new Message(Map.of(), m.body())));
      Socket c = big.dial(l.address(), WAIT).join();
      byte[] body = new byte[3 * 1024 * 1024];
      for (int i = 0; i < body.length; i++) {
        body[i] = (byte) i;
      }
      c.send(new Message(Map.of(), body)).join();
      assertThat(c.receive(WAIT).join().body()).isEqualTo(body);
    }
  }

  @Test
  void theClientWritesGoShapedRequests() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      String address = "127.0.0.1:" + server.getLocalPort();
      Socket c = transport.dial(address, WAIT).join();
      try (RawHttp peer = new RawHttp(server.accept())) {
        c.send(msg("{}\n", "Content-Type", "application/json", "micro-id", "3")).join();
        RawHttp.Response r = peer.read();
        assertThat(r.statusLine()).isEqualTo("POST / HTTP/1.1");
        assertThat(r.headers()).containsEntry("Host", address).containsEntry("Content-Length", "3")
            .containsEntry("Content-Type", "application/json").containsEntry("Micro-Id", "3");
        assertThat(r.body()).isEqualTo("{}\n");

        peer.write("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n\r\noops");
        assertThatThrownBy(() -> c.receive(WAIT).join()).satisfies(t ->
            assertThat(cause(t).detail()).isEqualTo("500 Internal Server Error: oops"));

        peer.write("HTTP/1.1 200 OK\r\nMicro-Error: {\"code\":404,\"detail\":\"no\"}\r\nContent-Length: 0\r\n\r\n");
        Message ok = c.receive(WAIT).join();
        assertThat(ok.header("micro-error")).isEqualTo("{\"code\":404,\"detail\":\"no\"}");
      }
    }
  }

  @Test
  void slowRequestsAndIdleConnectionsAreClosed() throws Exception {
    try (HttpTransport strict = HttpTransport.builder()
        .headerReadTimeout(Duration.ofMillis(200)).idleTimeout(Duration.ofMillis(300)).build()) {
      Listener l = echoServer(strict);
      try (RawHttp slow = new RawHttp(l.address()); RawHttp idle = new RawHttp(l.address())) {
        slow.write("POST / HTTP/1.1\r\nContent-Le");
        idle.write("POST / HTTP/1.1\r\nContent-Length: 1\r\n\r\na");
        assertThat(idle.read().body()).isEqualTo("re:a");
        assertThat(slow.closedByPeer()).isTrue();
        assertThat(idle.closedByPeer()).isTrue();
      }
    }
  }

  @Test
  void stopAcceptingKeepsServingAcceptedConnections() {
    Listener l = echoServer(transport);
    Socket c = transport.dial(l.address(), WAIT).join();
    // one round trip first: a dialled connection may still sit in the kernel's accept backlog,
    // and closing the server socket resets those (they were never accepted)
    c.send(msg("before")).join();
    assertThat(new String(c.receive(WAIT).join().body(), UTF_8)).isEqualTo("re:before");
    l.stopAccepting();
    assertThatThrownBy(() -> transport.dial(l.address(), WAIT).join())
        .satisfies(t -> assertThat(cause(t).detail()).startsWith("connection error: dial " + l.address()));
    c.send(msg("after")).join();
    assertThat(new String(c.receive(WAIT).join().body(), UTF_8)).isEqualTo("re:after");
    l.close();
    assertThatThrownBy(() -> c.receive(WAIT).join())
        .satisfies(t -> assertThat(cause(t).detail()).contains("closed"));
  }

  @Test
  void unbindableAddressesFailNamingTheAddress() {
    Listener l = echoServer(transport);
    assertThatThrownBy(() -> transport.listen(l.address(), (s, m) -> {}))
        .isInstanceOfSatisfying(MicroException.class, e ->
            assertThat(e.detail()).startsWith("listen " + l.address() + ": "));
    assertThatThrownBy(() -> transport.listen("nonsense", (s, m) -> {}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nonsense");
  }

  @Test
  void nativeEpollIsUsedWhenAvailableAndNioWorksWhenItIsOff() {
    assertThat(transport.isNative()).isEqualTo(io.netty.channel.epoll.Epoll.isAvailable());
    try (HttpTransport nio = HttpTransport.builder().nativeTransport(false).ioThreads(1).build()) {
      assertThat(nio.isNative()).isFalse();
      Listener l = echoServer(nio);
      Socket c = nio.dial(l.address(), WAIT).join();
      c.send(msg("nio")).join();
      assertThat(new String(c.receive(WAIT).join().body(), UTF_8)).isEqualTo("re:nio");
    }
  }

  @Test
  void expectContinueIsAnsweredAndAnOversizedOneIsRefusedAtOnce() throws Exception {
    Listener l = echoServer(transport);
    try (RawHttp raw = new RawHttp(l.address())) {
      raw.write("POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
      assertThat(raw.read().statusLine()).isEqualTo("HTTP/1.1 100 Continue");
      raw.write("abc");
      assertThat(raw.read().body()).isEqualTo("re:abc");
    }
    try (RawHttp raw = new RawHttp(l.address())) {
      raw.write("POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 99999\r\n\r\n");
      RawHttp.Response r = raw.read();
      assertThat(r.statusLine()).isEqualTo("HTTP/1.1 413 Request Entity Too Large");
      assertThat(raw.closedByPeer()).isTrue();
    }
  }
}
