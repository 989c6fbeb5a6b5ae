package io.micro.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

class ExternalServerTest {

  @Test
  void aMissingBinarySkipsOrFailsWhenRequired() {
    Class<? extends Throwable> expected = ExternalServer.required() ? AssertionError.class : TestAbortedException.class;
    assertThatThrownBy(() -> ExternalServer.builder("micro-no-such-server", "micro-no-such-package").start())
        .isInstanceOf(expected)
        .hasMessageContaining("micro-no-such-server is not installed (Debian package micro-no-such-package");
  }

  @Test
  void startsAServerOnLoopbackAndRestartsItOnTheSamePort() throws Exception {
    // python3's http.server is a real HTTP server that every Debian machine with python3 has
    try (ExternalServer http = ExternalServer.builder("python3", "python3")
        .command(s -> List.of(s.binary(), "-m", "http.server", "--bind", "127.0.0.1", String.valueOf(s.port())))
        .start()) {
      HttpClient client = HttpClient.newHttpClient();
      HttpRequest get = HttpRequest.newBuilder(URI.create("http://" + http.address() + "/")).build();
      assertThat(client.send(get, HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
      http.restart();
      assertThat(client.send(get, HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
      assertThat(http.address()).startsWith("127.0.0.1:");
    }
  }

  @Test
  void aServerThatExitsEarlyFailsWithItsLog() {
    assertThatThrownBy(() -> ExternalServer.builder("python3", "python3")
        .command(s -> List.of(s.binary(), "-c", "print('cannot start: port taken'); raise SystemExit(3)"))
        .start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("exited with status 3")
        .hasMessageContaining("cannot start: port taken");
  }
}
