package io.micro.transport.memory;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micro.errors.MicroException;
import io.micro.transport.Listener;
import io.micro.transport.Message;
import io.micro.transport.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MemoryTransportTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private final MemoryTransport transport = MemoryTransport.create(1024);

  @AfterEach
  void close() {
    transport.close();
  }

  private static Message msg(String body, String... headers) {
    java.util.Map<String, String> h = new java.util.LinkedHashMap<>();
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
  void repliesEchoTheFirstRequestHeadersOverlaidWithTheReplyHeaders() {
    Listener l = transport.listen("memory:0", (s, m) ->
        s.send(msg("re:" + new String(m.body(), UTF_8), "Content-Type", "application/json")));
    Socket c = transport.dial(l.address(), WAIT).join();
    c.send(msg("a", "Micro-Id", "1", "Content-Type", "text/plain")).join();
    Message r1 = c.receive(WAIT).join();
    assertThat(new String(r1.body(), UTF_8)).isEqualTo("re:a");
    assertThat(r1.headers()).containsEntry("Micro-Id", "1").containsEntry("Content-Type", "application/json");
    c.send(msg("b", "Micro-Id", "2")).join();
    Message r2 = c.receive(WAIT).join();
    assertThat(new String(r2.body(), UTF_8)).isEqualTo("re:b");
    assertThat(r2.headers()).containsEntry("Micro-Id", "1"); // the first request's, as Go does
  }

  @Test
  void addressesWithPortZeroGetAFreshNumberAndExplicitOnesAreKept() {
    Listener a = transport.listen("127.0.0.1:0", (s, m) -> {});
    Listener b = transport.listen("memory:7", (s, m) -> {});
    assertThat(a.address()).startsWith("127.0.0.1:").isNotEqualTo("127.0.0.1:0");
    assertThat(b.address()).isEqualTo("memory:7");
    assertThatThrownBy(() -> transport.listen("memory:7", (s, m) -> {}))
        .isInstanceOfSatisfying(MicroException.class, e -> assertThat(e.detail()).contains("memory:7"));
  }

  @Test
  void dialingNothingIsAConnectionErrorNamingTheAddress() {
    assertThatThrownBy(() -> transport.dial("memory:99", WAIT).join())
        .satisfies(t -> {
          MicroException e = cause(t);
          assertThat(e.code()).isEqualTo(500);
          assertThat(e.detail()).isEqualTo("connection error: dial memory:99: connection refused");
        });
  }

  @Test
  void receiveTimesOutWith408() {
    Listener l = transport.listen("", (s, m) -> {});
    Socket c = transport.dial(l.address(), WAIT).join();
    assertThatThrownBy(() -> c.receive(Duration.ofMillis(20)).join())
        .satisfies(t -> assertThat(cause(t).code()).isEqualTo(408));
  }

  @Test
  void oversizedMessagesGet413AndTheConnectionKeepsWorking() {
    Listener l = transport.listen("", (s, m) -> s.send(msg("ok")));
    Socket c = transport.dial(l.address(), WAIT).join();
    c.send(msg("x".repeat(2000))).join();
    assertThatThrownBy(() -> c.receive(WAIT).join())
        .satisfies(t -> assertThat(cause(t).detail()).isEqualTo("body: 2000 bytes (expected: <= 1024)"));
    c.send(msg("small")).join();
    assertThat(new String(c.receive(WAIT).join().body(), UTF_8)).isEqualTo("ok");
  }

  @Test
  void closingEitherEndIsSeenByTheOther() throws Exception {
    CountDownLatch closed = new CountDownLatch(1);
    Listener l = transport.listen("", new Listener.Handler() {
      @Override
      public void onMessage(Socket socket, Message message) {
        socket.close();
      }

      @Override
      public void onClose(Socket socket) {
        closed.countDown();
      }
    });
    Socket c = transport.dial(l.address(), WAIT).join();
    c.send(msg("bye")).join();
    assertThatThrownBy(() -> c.receive(WAIT).join())
        .satisfies(t -> assertThat(cause(t).detail()).startsWith("connection error: connection to " + l.address()));
    assertThat(closed.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(c.isOpen()).isFalse();
  }

  @Test
  void stopAcceptingKeepsExistingConnections() {
    Listener l = transport.listen("", (s, m) -> s.send(msg("ok")));
    Socket c = transport.dial(l.address(), WAIT).join();
    l.stopAccepting();
    assertThatThrownBy(() -> transport.dial(l.address(), WAIT).join()).isNotNull();
    c.send(msg("x")).join();
    assertThat(c.receive(WAIT).join().headers()).isEqualTo(Map.of());
  }
}
