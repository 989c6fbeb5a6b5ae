package io.micro.toolkit.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpServerTest {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private HttpServer server;

  @BeforeEach
  void start() {
    var pool = Executors.newFixedThreadPool(2);
    server = HttpServer.builder()
        .maxBodySize(1024)
        .maxWebSocketFrameSize(64)
        .handlerTimeout(Duration.ofMillis(300))
        .cors(Cors.parse("https://ok.example"))
        .errorId("go.micro.test")
        .route("/echo", req -> CompletableFuture.completedFuture(
            HttpResponse.of(200, "text/plain", req.body()).withHeader("X-Method", req.method())))
        .route("/later", HttpHandler.blocking(pool, req -> HttpResponse.ok("application/json", "{\"q\":\"" + req.queryParam("q") + "\"}")))
        .route("/never", req -> new CompletableFuture<>())
        .route("/fail", req -> {
          throw io.micro.errors.MicroException.badRequest("go.micro.x", "bad %s", "thing");
        })
        .route("/files/", HttpHandler.sync(req -> HttpResponse.ok("text/plain", req.path())))
        .route("/ws", HttpHandler.sync(req -> HttpResponse.webSocket(new WebSocketHandler() {
          @Override
          public void onOpen(WebSocketSession s) {
            s.sendText("hello");
          }

          @Override
          public void onText(WebSocketSession s, String text) {
            s.sendText("echo:" + text);
          }
        })))
        .build()
        .start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private java.net.http.HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
    var b = java.net.http.HttpRequest.newBuilder(URI.create(server.url() + path))
        .method(method, body.isEmpty() ? BodyPublishers.noBody() : BodyPublishers.ofString(body));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), BodyHandlers.ofString());
  }

  @Test
  void routesExactAndPrefixPaths() throws Exception {
    var r = send("POST", "/echo", "abc");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("abc");
    assertThat(r.headers().firstValue("X-Method")).contains("POST");
    assertThat(send("GET", "/later?q=x%20y", "").body()).isEqualTo("{\"q\":\"x y\"}");
    assertThat(send("GET", "/files/a/b.txt", "").body()).isEqualTo("/files/a/b.txt");
    assertThat(send("GET", "/files", "").body()).isEqualTo("/files");
  }

  @Test
  void unknownPathIs404ErrorJsonNamingThePath() throws Exception {
    var r = send("GET", "/nope/x", "");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(r.body()).isEqualTo(
        "{\"id\":\"go.micro.test\",\"code\":404,\"detail\":\"no handler for path /nope/x\",\"status\":\"Not Found\"}");
  }

  @Test
  void handlerErrorsBecomeTheirStatusAndJson() throws Exception {
    var r = send("GET", "/fail", "");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("\"id\":\"go.micro.x\"").contains("\"detail\":\"bad thing\"");
  }

  @Test
  void slowHandlerIs504() throws Exception {
    var r = send("GET", "/never", "");
    assertThat(r.statusCode()).isEqualTo(504);
    assertThat(r.body()).contains("\"code\":504");
    // the connection still serves the next request
    assertThat(send("POST", "/echo", "x").body()).isEqualTo("x");
  }

  @Test
  void oversizeBodyIs413() throws Exception {
    var r = send("POST", "/echo", "x".repeat(2000));
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(r.body()).contains("exceeds the limit of 1024 bytes");
  }

  @Test
  void chunkedOversizeBodyIs413() throws Exception {
    String head = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    String chunk = Integer.toHexString(800) + "\r\n" + "y".repeat(800) + "\r\n";
    String reply = raw(head + chunk + chunk + "0\r\n\r\n");
    assertThat(reply).startsWith("HTTP/1.1 413");
  }

  @Test
  void pathEscapesAre400() throws Exception {
    assertThat(raw("GET /files/..%2f..%2fetc HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 400");
    assertThat(raw("GET /files/../etc HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 400");
    assertThat(raw("GET /files/%2e%2e/etc HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 400");
  }

  @Test
  void oversizeHeaderIs431() throws Exception {
    assertThat(raw("GET /echo HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20000) + "\r\n\r\n")).startsWith("HTTP/1.1 431");
  }

  @Test
  void corsEchoesAllowedOriginsAndAnswersOptions() throws Exception {
    var ok = send("OPTIONS", "/nope", "", "Origin", "https://ok.example");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).isEmpty();
    assertThat(ok.headers().firstValue("Access-Control-Allow-Origin")).contains("https://ok.example");
    assertThat(ok.headers().firstValue("Access-Control-Allow-Credentials")).contains("true");
    var other = send("POST", "/echo", "x", "Origin", "https://evil.example");
    assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    assertThat(other.headers().firstValue("Access-Control-Allow-Methods")).isPresent();
  }

  @Test
  void webSocketEchoesAndClosesOversizeMessagesWith1009() throws Exception {
    TextCollector c = new TextCollector();
    LinkedBlockingQueue<String> got = c.got;
    CompletableFuture<Integer> closed = c.closed;
    WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://" + server.hostPort() + "/ws"), c)
        .get(5, TimeUnit.SECONDS);
    assertThat(got.poll(5, TimeUnit.SECONDS)).isEqualTo("hello");
    ws.sendText("ping", true).get(5, TimeUnit.SECONDS);
    assertThat(got.poll(5, TimeUnit.SECONDS)).isEqualTo("echo:ping");
    ws.sendBinary(ByteBuffer.wrap(new byte[200]), true).get(5, TimeUnit.SECONDS);
    assertThat(closed.get(5, TimeUnit.SECONDS)).isEqualTo(1009);
  }

  /** A server with 500 ms pings (a silent peer is closed after 1 s) whose websocket handler records how its sessions closed. */
  private static HttpServer pingingServer(LinkedBlockingQueue<String> closes) {
    return HttpServer.builder()
        .webSocketPing(Duration.ofMillis(500))
        .route("/ws", HttpHandler.sync(req -> HttpResponse.webSocket(new WebSocketHandler() {
          @Override
          public void onOpen(WebSocketSession s) {}

          @Override
          public void onText(WebSocketSession s, String text) {
            s.sendText("echo:" + text);
          }

          @Override
          public void onClose(WebSocketSession s, int code, String reason) {
            closes.add(code + " " + reason);
          }
        })))
        .build()
        .start();
  }

  @Test
  void aWebSocketPeerThatAnswersPingsStaysOpen() throws Exception {
    LinkedBlockingQueue<String> closes = new LinkedBlockingQueue<>();
    try (HttpServer pinging = pingingServer(closes)) {
      TextCollector c = new TextCollector(true); // the JDK client answers each ping with a pong
      LinkedBlockingQueue<String> got = c.got;
      WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://" + pinging.hostPort() + "/ws"), c)
          .get(5, TimeUnit.SECONDS);
      assertThat(got.poll(5, TimeUnit.SECONDS)).isEqualTo("ping");
      Thread.sleep(2500); // five intervals: a peer that did not answer would be closed after two
      assertThat(closes).isEmpty();
      ws.sendText("still here", true).get(5, TimeUnit.SECONDS);
      String reply;
      do {
        reply = got.poll(5, TimeUnit.SECONDS);
      } while ("ping".equals(reply));
      assertThat(reply).isEqualTo("echo:still here");
      ws.sendClose(1000, "done").get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aWebSocketPeerThatStopsAnsweringIsClosedWith1001() throws Exception {
    LinkedBlockingQueue<String> closes = new LinkedBlockingQueue<>();
    try (HttpServer pinging = pingingServer(closes); Socket raw = new Socket("127.0.0.1", pinging.address().getPort())) {
      OutputStream out = raw.getOutputStream();
      out.write(("GET /ws HTTP/1.1\r\nHost: " + pinging.hostPort() + "\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      byte[] head = new byte[12];
      raw.setSoTimeout(5000);
      assertThat(raw.getInputStream().readNBytes(head, 0, 12)).isEqualTo(12);
      assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 101");
      // from now on this peer reads nothing and answers nothing, as a vanished host would
      assertThat(closes.poll(10, TimeUnit.SECONDS)).startsWith("1001 nothing received for");
    }
  }

  @Test
  void aClientThatHalfClosesAfterItsRequestStillGetsTheAnswer() throws Exception {
    try (Socket raw = new Socket("127.0.0.1", server.address().getPort())) {
      raw.setSoTimeout(5000);
      OutputStream out = raw.getOutputStream();
      out.write(("GET /later?q=half HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      raw.shutdownOutput(); // as `nc -N` or a request/response script does: nothing more to send
      String answer = new String(raw.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 200").endsWith("{\"q\":\"half\"}");
    }
  }

  @Test
  void plainRequestToWebSocketRouteIs400() throws Exception {
    assertThat(send("GET", "/ws", "").statusCode()).isEqualTo(400);
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.address().getPort())) {
      s.setSoTimeout(5000);
      String one = "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\none";
      String two = "GET /later?q=two HTTP/1.1\r\nHost: x\r\n\r\n";
      String three = "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nthree";
      s.getOutputStream().write((one + two + three).getBytes(StandardCharsets.ISO_8859_1));
      String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      int a = all.indexOf("\r\n\r\none");
      int b = all.indexOf("{\"q\":\"two\"}");
      int c = all.indexOf("\r\n\r\nthree");
      assertThat(a).isPositive();
      assertThat(b).isGreaterThan(a);
      assertThat(c).isGreaterThan(b);
    }
  }

  @Test
  void pathChecksFindEveryEncodedSeparatorAndDotSegment() throws Exception {
    for (String bad : new String[] {"/files/a%2Fb", "/files/a%5cb", "/files/a%5Cb", "/files/a%00b", "/files/a\\b",
        "/files/./x", "/files/x/.", "/files/x/..", "/./files/x"}) {
      assertThat(raw("GET " + bad + " HTTP/1.1\r\nHost: x\r\n\r\n")).as(bad).startsWith("HTTP/1.1 400");
    }
    for (String ok : new String[] {"/files/...", "/files/.x", "/files/x.", "/files/a%25", "/files/a%2e"}) {
      assertThat(raw("GET " + ok + " HTTP/1.1\r\nHost: x\r\n\r\n")).as(ok).startsWith("HTTP/1.1 200");
    }
    assertThat(raw("GET /files/a%2Fb HTTP/1.1\r\nHost: x\r\n\r\n")).contains("path '/files/a%2Fb' contains an encoded");
    assertThat(raw("GET /files/x/.. HTTP/1.1\r\nHost: x\r\n\r\n")).contains("contains a '..' segment");
  }

  @Test
  void aBodyThatNeverArrivesIs408AlsoOnAKeptAliveConnection() throws Exception {
    try (HttpServer short408 = HttpServer.builder().readTimeout(Duration.ofMillis(300))
        .route("/echo", HttpHandler.sync(req -> HttpResponse.of(200, "text/plain", req.body())))
        .build().start();
        Socket s = new Socket("127.0.0.1", short408.address().getPort())) {
      s.setSoTimeout(5000);
      // the head and part of the body in one read: the timer starts once that read is done
      s.getOutputStream().write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc"
          .getBytes(StandardCharsets.ISO_8859_1));
      String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(reply).startsWith("HTTP/1.1 408").contains("request not received within 300 ms");
    }
    try (HttpServer short408 = HttpServer.builder().readTimeout(Duration.ofMillis(300))
        .route("/echo", HttpHandler.sync(req -> HttpResponse.of(200, "text/plain", req.body())))
        .build().start();
        Socket s = new Socket("127.0.0.1", short408.address().getPort())) {
      s.setSoTimeout(5000);
      // a whole request, then (pipelined, so queued while the first is answered) a head whose body stops short
      s.getOutputStream().write(("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\none"
          + "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nab").getBytes(StandardCharsets.ISO_8859_1));
      String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(reply).startsWith("HTTP/1.1 200").contains("\r\n\r\none").contains("HTTP/1.1 408");
    }
  }

  @Test
  void aKeptAliveConnectionServesRequestsOneAfterAnother() throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.address().getPort())) {
      s.setSoTimeout(5000);
      InputStream in = s.getInputStream();
      for (int i = 0; i < 50; i++) {
        String body = "n" + i;
        // the body in a second write: the request arrives in two reads
        s.getOutputStream().write(("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length() + "\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        s.getOutputStream().write(body.getBytes(StandardCharsets.ISO_8859_1));
        String head = readHead(in);
        assertThat(head).startsWith("HTTP/1.1 200").contains("content-length: " + body.length());
        assertThat(new String(in.readNBytes(body.length()), StandardCharsets.ISO_8859_1)).isEqualTo(body);
      }
    }
  }

  private static String readHead(InputStream in) throws Exception {
    StringBuilder b = new StringBuilder();
    while (!b.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        break;
      }
      b.append((char) c);
    }
    return b.toString().toLowerCase(java.util.Locale.ROOT).replace("http/1.1", "HTTP/1.1");
  }

  private String raw(String request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.address().getPort())) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[4096];
      int n = in.read(buf);
      return n < 0 ? "" : new String(buf, 0, n, StandardCharsets.ISO_8859_1);
    }
  }
}
