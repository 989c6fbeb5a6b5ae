package io.micro.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micro.errors.MicroException;
import io.micro.transport.http.HttpTransport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client's bytes on a real loopback socket against a hand-written peer that answers the way a
 * go-micro v4.11 server did in the captures (protocol doc Part F 2, 3 and 9): echoed request headers,
 * the reply written in many tiny segments, errors as an empty 200 with {@code Micro-Error}.
 */
class ClientWireIT {
  public record Hello(String name) {}

  public record Reply(String msg) {}

  private ServerSocket peer;
  private HttpTransport transport;
  private Client client;
  private CallOptions direct;

  @BeforeEach
  void setUp() throws IOException {
    peer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    peer.setSoTimeout(10_000);
    transport = HttpTransport.create();
    client = Client.builder().transport(transport).build();
    direct = CallOptions.DEFAULT.withAddress("127.0.0.1:" + peer.getLocalPort());
  }

  @AfterEach
  void tearDown() throws IOException {
    client.close();
    transport.close();
    peer.close();
  }

  @Test
  void aCallLooksLikeGoMicrosAndTwoCallsShareTheConnection() throws Exception {
    CompletableFuture<Map<String, String>[]> seen = CompletableFuture.supplyAsync(() -> {
      try (Socket s = peer.accept()) {
        @SuppressWarnings("unchecked")
        Map<String, String>[] requests = new Map[2];
        for (int i = 0; i < 2; i++) {
          requests[i] = readRequest(s.getInputStream());
          writeSlowly(s.getOutputStream(), reply(requests[i], "{\"msg\":\"Hello John\"}\n", null));
        }
        return requests;
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    });
    Request req = Request.of("go.micro.srv.greeter", "Say.Hello", new Hello("John"));
    assertThat(client.call(req, Reply.class, direct).msg()).isEqualTo("Hello John");
    assertThat(client.call(req, Reply.class, direct).msg()).isEqualTo("Hello John");

    Map<String, String> first = seen.get(10, TimeUnit.SECONDS)[0];
    assertThat(first.get(":line")).isEqualTo("POST / HTTP/1.1");
    assertThat(first)
        .containsEntry("content-type", "application/json")
        .containsEntry("accept", "application/json")
        .containsEntry("micro-service", "go.micro.srv.greeter")
        .containsEntry("micro-endpoint", "Say.Hello")
        .containsEntry("micro-method", "Say.Hello")
        .containsEntry("timeout", "5000000000")
        .containsKey("micro-id");
    assertThat(first.get(":body")).isEqualTo("{\"name\":\"John\"}\n");
  }

  @Test
  void anErrorReplyIsThrownAndItsConnectionClosed() throws Exception {
    String error = "{\"id\":\"go.micro.srv.greeter\",\"code\":404,\"detail\":\"no such user: John\",\"status\":\"Not Found\"}";
    CompletableFuture<Integer> afterError = CompletableFuture.supplyAsync(() -> {
      try (Socket s = peer.accept()) {
        Map<String, String> r = readRequest(s.getInputStream());
        writeSlowly(s.getOutputStream(), reply(r, "", error));
        return s.getInputStream().read(); // -1 once the client closed the connection
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    });
    Request req = Request.of("go.micro.srv.greeter", "Say.Fail", new Hello("John"));
    assertThatThrownBy(() -> client.call(req, Reply.class, direct))
        .isInstanceOfSatisfying(MicroException.class, e -> {
          assertThat(e.code()).isEqualTo(404);
          assertThat(e.detail()).isEqualTo("no such user: John");
        });
    assertThat(afterError.get(10, TimeUnit.SECONDS)).isEqualTo(-1);
  }

  /** Reads one HTTP/1.1 request: lower-case header names, plus {@code :line} and {@code :body}. */
  private static Map<String, String> readRequest(InputStream in) throws IOException {
    Map<String, String> h = new LinkedHashMap<>();
    String line = readLine(in);
    h.put(":line", line);
    while (!(line = readLine(in)).isEmpty()) {
      int colon = line.indexOf(':');
      h.put(line.substring(0, colon).toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
    }
    byte[] body = in.readNBytes(Integer.parseInt(h.getOrDefault("content-length", "0")));
    h.put(":body", new String(body, StandardCharsets.UTF_8));
    return h;
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != '\n') {
      if (c < 0) {
        throw new IOException("connection closed mid-line");
      }
      if (c != '\r') {
        b.write(c);
      }
    }
    return b.toString(StandardCharsets.UTF_8);
  }

  /** A reply as go-micro writes it: the request's headers echoed, then the body or the error. */
  private static String reply(Map<String, String> request, String body, String error) {
    StringBuilder sb = new StringBuilder("HTTP/1.1 200 OK\r\n");
    request.forEach((k, v) -> {
      if (!k.startsWith(":") && !k.equals("content-length") && !k.equals("host")) {
        sb.append(k).append(": ").append(v).append("\r\n");
      }
    });
    if (error != null) {
      sb.append("Micro-Error: ").append(error).append("\r\n");
      sb.append("X-Micro-Error: ").append(error).append("\r\n");
    }
    sb.append("Content-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n\r\n");
    return sb.append(body).toString();
  }

  /** Writes in segments of a few bytes, as the Go server does (one per header token). */
  private static void writeSlowly(OutputStream out, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i += 7) {
      out.write(bytes, i, Math.min(7, bytes.length - i));
      out.flush();
    }
  }
}
