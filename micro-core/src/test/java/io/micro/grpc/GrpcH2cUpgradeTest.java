package io.micro.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.micro.grpc.testproto.Request;
import io.micro.grpc.testproto.Response;
import io.micro.server.Server;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code h2c} upgrade: an HTTP/1.1 request with {@code Upgrade: h2c} switches the connection to
 * HTTP/2 and is itself served as stream 1 (a gRPC call here), written byte by byte on a raw socket
 * and with curl ({@code --http2} upgrades {@code http://} URLs).
 */
class GrpcH2cUpgradeTest {
  private Server server;
  private String host;
  private int port;

  @BeforeEach
  void start() {
    server = Server.builder().name("micro.test").address("127.0.0.1:0").build();
    server.handle("Say", new SayHandler());
    server.start();
    String[] hp = server.address().split(":");
    host = hp[0];
    port = Integer.parseInt(hp[1]);
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  @Test
  void upgradedRequestIsServedAsStreamOneOverHttp2() throws Exception {
    byte[] body = grpcFrame(Request.newBuilder().setName("upgrade").build().toByteArray());
    try (java.net.Socket s = new java.net.Socket(host, port)) {
      s.setSoTimeout(20_000);
      OutputStream out = s.getOutputStream();
      String head = "POST /micro.test.Say/Hello HTTP/1.1\r\n"
          + "Host: " + host + ":" + port + "\r\n"
          + "Connection: Upgrade, HTTP2-Settings\r\n"
          + "Upgrade: h2c\r\n"
          + "HTTP2-Settings: AAMAAABkAAQAAP__\r\n"
          + "Content-Type: application/grpc\r\n"
          + "TE: trailers\r\n"
          + "Content-Length: " + body.length + "\r\n\r\n";
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      DataInputStream in = new DataInputStream(s.getInputStream());
      String status = readHead(in);
      assertThat(status).startsWith("HTTP/1.1 101");
      out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // an empty SETTINGS frame
      out.flush();
      DefaultHttp2HeadersDecoder hpack = new DefaultHttp2HeadersDecoder(true);
      ByteArrayOutputStream data = new ByteArrayOutputStream();
      List<Http2Headers> headers = new ArrayList<>();
      boolean end = false;
      while (!end) {
        int length = in.readUnsignedShort() << 8 | in.readUnsignedByte();
        int type = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        int stream = in.readInt() & 0x7fffffff;
        byte[] payload = in.readNBytes(length);
        if (stream != 1) {
          continue;
        }
        if (type == 0) { // DATA
          data.write(payload);
        } else if (type == 1) { // HEADERS (END_HEADERS set: our replies are small)
          assertThat(flags & 0x4).as("END_HEADERS").isNotZero();
          headers.add(hpack.decodeHeaders(1, Unpooled.wrappedBuffer(payload)));
        } else if (type == 3) { // RST_STREAM
          throw new AssertionError("stream 1 reset: " + ByteBuffer.wrap(payload).getInt());
        }
        end = (flags & 0x1) != 0 && (type == 0 || type == 1);
      }
      assertThat(headers).hasSize(2);
      assertThat(headers.get(0).status().toString()).isEqualTo("200");
      assertThat(headers.get(1).get("grpc-status").toString()).isEqualTo("0");
      byte[] reply = data.toByteArray();
      assertThat(reply.length).isGreaterThan(5);
      Response r = Response.parseFrom(java.util.Arrays.copyOfRange(reply, 5, reply.length));
      assertThat(r.getMsg()).isEqualTo("Hello upgrade");
    }
  }

  @Test
  void requestsWithoutUpgradeStayHttp1() throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpResponse<String> r = http.send(java.net.http.HttpRequest.newBuilder(
            URI.create("http://" + host + ":" + port + "/"))
            .header("Content-Type", "application/json")
            .header("Micro-Service", "micro.test")
            .header("Micro-Endpoint", "Say.Hello")
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"name\":\"plain\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    assertThat(r.body()).contains("Hello plain");
  }

  @Test
  void curlUpgradesAndCallsGrpc(@TempDir Path dir) throws Exception {
    assumeThat(curlHasHttp2()).as("curl with HTTP/2 on PATH").isTrue();
    Path req = dir.resolve("req.bin");
    Path resp = dir.resolve("resp.bin");
    Files.write(req, grpcFrame(Request.newBuilder().setName("curl").build().toByteArray()));
    Process p = new ProcessBuilder("curl", "-sS", "--http2", "--max-time", "20",
        "-H", "Content-Type: application/grpc", "-H", "TE: trailers",
        "--data-binary", "@" + req, "-o", resp.toString(), "-w", "%{http_version}",
        "http://" + host + ":" + port + "/micro.test.Say/Hello")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).isEqualTo("2");
    byte[] reply = Files.readAllBytes(resp);
    assertThat(reply.length).isGreaterThan(5);
    assertThat(Response.parseFrom(java.util.Arrays.copyOfRange(reply, 5, reply.length)).getMsg())
        .isEqualTo("Hello curl");
  }

  private static boolean curlHasHttp2() {
    try {
      Process p = new ProcessBuilder("curl", "-V").redirectErrorStream(true).start();
      String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return p.waitFor(10, TimeUnit.SECONDS) && v.contains("HTTP2");
    } catch (Exception e) {
      return false;
    }
  }

  private static byte[] grpcFrame(byte[] message) {
    return ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length).put(message).array();
  }

  /** Reads an HTTP/1.1 response head, returns its status line. */
  private static String readHead(InputStream in) throws Exception {
    StringBuilder sb = new StringBuilder();
    while (!sb.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new AssertionError("connection closed in the response head: " + sb);
      }
      sb.append((char) c);
    }
    return sb.substring(0, sb.indexOf("\r\n"));
  }
}
