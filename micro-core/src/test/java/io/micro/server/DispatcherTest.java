package io.micro.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.micro.codec.Codecs;
import io.micro.errors.MicroException;
import io.micro.transport.Listener;
import io.micro.transport.Message;
import io.micro.transport.Socket;
import io.micro.transport.memory.MemoryTransport;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

class DispatcherTest {

  @Test
  void aFullPoolAnswersServiceUnavailableAtOnceAndTheConnectionGoesOn() {
    Debug debug = new Debug();
    Map<String, HandlerMethod> handlers = new HashMap<>();
    HandlerExtractor.extract("Say", new Greeter.Say()).forEach(m -> handlers.put(m.endpoint(), m));
    Router router = new Router(Greeter.SERVICE, () -> handlers, Codecs.standard(), List.of(), 1024, debug);
    InFlight inFlight = new InFlight();
    boolean[] full = {true};
    Dispatcher dispatcher = new Dispatcher(Greeter.SERVICE, router, task -> {
      if (full[0]) {
        throw new RejectedExecutionException("full");
      }
      task.run();
    }, inFlight);
    try (MemoryTransport transport = MemoryTransport.create()) {
      Listener listener = transport.listen("busy:0", dispatcher);
      Socket socket = transport.dial(listener.address(), Duration.ofSeconds(5)).join();
      Message hello = new Message(Map.of("Content-Type", "application/json", "Micro-Endpoint", "Say.Hello"),
          "{\"name\":\"x\"}".getBytes(UTF_8));

      socket.send(hello).join();
      Message busy = socket.receive(Duration.ofSeconds(5)).join();
      full[0] = false;
      socket.send(hello).join();
      Message ok = socket.receive(Duration.ofSeconds(5)).join();

      MicroException e = MicroException.parse(busy.header("Micro-Error"));
      assertThat(e.code()).isEqualTo(503);
      assertThat(e.detail()).startsWith("server busy:");
      assertThat(new String(ok.body(), UTF_8)).isEqualTo("{\"msg\":\"Hello x\"}\n");
      assertThat(inFlight.count()).isZero();
    }
  }

  @Test
  void anUnspecifiedHostIsRegisteredAsAReachableAddress() {
    assertThat(Addresses.registered("", "0.0.0.0:8080")).endsWith(":8080").doesNotStartWith("0.0.0.0");
    assertThat(Addresses.registered("", "[::]:81")).endsWith(":81").doesNotContain("::");
    assertThat(Addresses.registered("", "127.0.0.1:82")).isEqualTo("127.0.0.1:82");
    assertThat(Addresses.registered("svc.example:9", "127.0.0.1:82")).isEqualTo("svc.example:9");
  }
}
