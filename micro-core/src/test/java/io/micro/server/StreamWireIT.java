package io.micro.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.micro.errors.MicroException;
import io.micro.stream.BidiStream;
import io.micro.stream.StreamReceiver;
import io.micro.stream.StreamSender;
import io.micro.transport.http.HttpTransport;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The server's streams against exactly the bytes go-micro v4's client writes (client/rpc_client.go
 * {@code stream}, client/rpc_codec.go {@code Write}, transport/http_transport.go): every message
 * repeats the call's headers plus {@code Micro-Stream}; the first message is the placeholder
 * ({@code {}} from {@code NewRequest(..., &Empty{})}), the request follows, and {@code Close()}
 * sends {@code Micro-Error: EOS} with an empty body. The replies are checked against what
 * go-micro's server writes (server/rpc_stream.go {@code Send}, server/rpc_server.go
 * {@code serveReq}): each message echoes the first request's headers, carries {@code Micro-Service},
 * {@code Micro-Method}, {@code Micro-Endpoint} with their {@code X-} copies and the body; the end is
 * {@code Micro-Error: EOS} and {@code X-Micro-Error: EOS} with no body.
 */
class StreamWireIT {
  static final String SERVICE = "go.micro.srv.greeter";
  private static HttpTransport transport;
  private static Server server;
  private static final BlockingQueue<MicroException> endlessEnded = new LinkedBlockingQueue<>();

  public record Req(int n) {}

  public record Rsp(int n) {}

  /** The handler: generated go-micro code names it after the proto service. */
  public static final class Streamer {
    public void serverStream(Req req, StreamSender<Rsp> out) {
      for (int i = 0; i < req.n(); i++) {
        out.send(new Rsp(i));
      }
    }

    public Rsp clientStream(StreamReceiver<Req> in) {
      int sum = 0;
      for (Req r = in.receive(); r != null; r = in.receive()) {
        sum += r.n();
      }
      return new Rsp(sum);
    }

    public void bidi(BidiStream<Req, Rsp> s) {
      s.forEach(r -> s.send(new Rsp(r.n() + 1)));
    }

    public void endless(Req req, StreamSender<Rsp> out) {
      try {
        for (int i = 0; ; i++) {
          out.send(new Rsp(i));
        }
      } catch (MicroException e) {
        endlessEnded.add(e);
        throw e;
      }
    }

    public void fail(Req req, StreamSender<Rsp> out) {
      out.send(new Rsp(1));
      throw MicroException.notFound(SERVICE, "no such thing: %d", req.n());
    }
  }

  @BeforeAll
  static void start() {
    transport = HttpTransport.create();
    server = Server.builder().name(SERVICE).transport(transport).build().handle(new Streamer());
    server.start();
  }

  @AfterAll
  static void stop() {
    server.close();
    transport.close();
  }

  /** One message as go-micro's client writes it (header order and casing as Go's net/http). */
  private static byte[] goMessage(String endpoint, String id, String error, String body) {
    String head = "POST / HTTP/1.1\r\n"
        + "Host: " + server.address() + "\r\n"
        + "User-Agent: Go-http-client/1.1\r\n"
        + "Content-Length: " + body.getBytes(UTF_8).length + "\r\n"
        + "Accept: application/json\r\n"
        + "Content-Type: application/json\r\n"
        + "Micro-Endpoint: " + endpoint + "\r\n"
        + (error.isEmpty() ? "" : "Micro-Error: " + error + "\r\n")
        + "Micro-Id: " + id + "\r\n"
        + "Micro-Method: " + endpoint + "\r\n"
        + "Micro-Service: " + SERVICE + "\r\n"
        + "Micro-Stream: " + id + "\r\n"
        + "\r\n";
    return (head + body).getBytes(UTF_8);
  }

  private static void assertData(RawHttp.Response r, String endpoint, String id, String body) {
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text()).isEqualTo(body);
    assertThat(r.header("Content-Type")).isEqualTo("application/json");
    assertThat(r.header("Micro-Error")).isNull();
    assertThat(r.header("Micro-Stream")).isEqualTo(id);
    assertThat(r.header("Micro-Service")).isEqualTo(SERVICE);
    assertThat(r.header("X-Micro-Service")).isEqualTo(SERVICE);
    assertThat(r.header("Micro-Endpoint")).isEqualTo(endpoint);
    assertThat(r.header("X-Micro-Endpoint")).isEqualTo(endpoint);
    assertThat(r.header("Micro-Method")).isEqualTo(endpoint);
    assertThat(r.header("X-Micro-Method")).isEqualTo(endpoint);
    // the echo of the first request's headers, as go-micro's HTTP transport writes it
    assertThat(r.header("Accept")).isEqualTo("application/json");
    assertThat(r.header("User-Agent")).isEqualTo("Go-http-client/1.1");
    assertThat(r.header("Micro-Id")).isEqualTo(id);
  }

  private static void assertEnd(RawHttp.Response r, String error) {
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEmpty();
    assertThat(r.header("Content-Length")).isEqualTo("0");
    assertThat(r.header("Micro-Error")).isEqualTo(error);
    assertThat(r.header("X-Micro-Error")).isEqualTo(error);
  }

  @Test
  void serverStreamFromAGoClient() throws Exception {
    try (RawHttp http = new RawHttp(server.address())) {
      http.write(goMessage("Streamer.ServerStream", "0", "", "{}\n"));
      http.write(goMessage("Streamer.ServerStream", "0", "", "{\"n\":3}\n"));
      for (int i = 0; i < 3; i++) {
        assertData(http.read(), "Streamer.ServerStream", "0", "{\"n\":" + i + "}\n");
      }
      assertEnd(http.read(), "EOS");
      // stream.Close() of the Go client: an EOS for a stream the server already ended is dropped
      http.write(goMessage("Streamer.ServerStream", "0", "EOS", ""));
      assertThat(http.silentFor(300)).isTrue();
    }
  }

  @Test
  void clientStreamFromAGoClientEndsWithItsEos() throws Exception {
    try (RawHttp http = new RawHttp(server.address())) {
      http.write(goMessage("Streamer.ClientStream", "7", "", "{}\n"));
      for (int i = 1; i <= 4; i++) {
        http.write(goMessage("Streamer.ClientStream", "7", "", "{\"n\":" + i + "}\n"));
      }
      http.write(goMessage("Streamer.ClientStream", "7", "EOS", ""));
      assertData(http.read(), "Streamer.ClientStream", "7", "{\"n\":10}\n");
      assertEnd(http.read(), "EOS");
    }
  }

  @Test
  void bidiFromAGoClientAnswersEachMessage() throws Exception {
    try (RawHttp http = new RawHttp(server.address())) {
      http.write(goMessage("Streamer.Bidi", "1", "", "{}\n"));
      for (int i = 0; i < 3; i++) {
        http.write(goMessage("Streamer.Bidi", "1", "", "{\"n\":" + i + "}\n"));
        assertData(http.read(), "Streamer.Bidi", "1", "{\"n\":" + (i + 1) + "}\n");
      }
      http.write(goMessage("Streamer.Bidi", "1", "EOS", ""));
      assertEnd(http.read(), "EOS");
    }
  }

  @Test
  void aClientThatResetsTheConnectionCancelsTheStreamWith499() throws Exception {
    for (int round = 0; round < 5; round++) { // the reset races the handler's writes differently each time
      RawHttp http = new RawHttp(server.address());
      http.write(goMessage("Streamer.Endless", "5", "", "{}\n"));
      http.write(goMessage("Streamer.Endless", "5", "", "{}\n"));
      assertData(http.read(), "Streamer.Endless", "5", "{\"n\":0}\n");
      http.reset();
      MicroException seen = endlessEnded.poll(20, TimeUnit.SECONDS);
      assertThat(seen).as("round %d: the handler's send failed", round).isNotNull();
      assertThat(seen.code()).as("round %d: %s", round, seen.getMessage()).isEqualTo(499);
      assertThat(seen.detail()).contains("closed");
    }
  }

  @Test
  void aHandlerErrorEndsTheStreamWithItsJson() throws Exception {
    try (RawHttp http = new RawHttp(server.address())) {
      http.write(goMessage("Streamer.Fail", "2", "", "{}\n"));
      http.write(goMessage("Streamer.Fail", "2", "", "{\"n\":5}\n"));
      assertData(http.read(), "Streamer.Fail", "2", "{\"n\":1}\n");
      RawHttp.Response end = http.read();
      assertEnd(end, end.header("Micro-Error"));
      MicroException e = MicroException.parse(end.header("Micro-Error"));
      assertThat(e.code()).isEqualTo(404);
      assertThat(e.detail()).isEqualTo("no such thing: 5");
      assertThat(e.id()).isEqualTo(SERVICE);
    }
  }

  @Test
  void aUnaryCallOnTheSameConnectionAfterAStreamIsUnaffected() throws Exception {
    try (RawHttp http = new RawHttp(server.address())) {
      http.write(goMessage("Streamer.ServerStream", "0", "", "{}\n"));
      http.write(goMessage("Streamer.ServerStream", "0", "", "{\"n\":1}\n"));
      assertData(http.read(), "Streamer.ServerStream", "0", "{\"n\":0}\n");
      assertEnd(http.read(), "EOS");
      RawHttp.Response unknown = http.post(java.util.Map.of("Content-Type", "application/json",
          "Micro-Service", SERVICE, "Micro-Endpoint", "Streamer.Nope"), "{}");
      assertThat(MicroException.parse(unknown.header("Micro-Error")).code()).isEqualTo(404);
    }
  }
}
