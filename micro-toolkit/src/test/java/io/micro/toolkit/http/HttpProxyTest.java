package io.micro.toolkit.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpProxyTest {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Map<String, String> seen = new ConcurrentHashMap<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private com.sun.net.httpserver.HttpServer backend;
  private HttpServer wsBackend;
  private HttpServer front;
  private HttpProxy proxy;
  private HttpProxy quick;
  private final java.util.concurrent.ExecutorService lookups = java.util.concurrent.Executors.newSingleThreadExecutor();
  private volatile String target;

  @BeforeEach
  void start() throws Exception {
    backend = com.sun.net.httpserver.HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    backend.createContext("/", this::serve);
    backend.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    backend.start();
    wsBackend = HttpServer.builder().route("/ws", HttpHandler.sync(req -> HttpResponse.webSocket(new WebSocketHandler() {
      @Override
      public void onOpen(WebSocketSession s) {
        s.sendText("backend:" + s.request().header("X-Forwarded-For"));
      }

      @Override
      public void onText(WebSocketSession s, String text) {
        s.sendText("echo:" + text);
      }
    }))).route("/quiet", HttpHandler.sync(req -> HttpResponse.webSocket(new WebSocketHandler() {
      @Override
      public void onOpen(WebSocketSession s) {
        // speaks only when spoken to: the client's frame is the first after the upgrade
      }

      @Override
      public void onText(WebSocketSession s, String text) {
        s.sendText("echo:" + text);
      }
    }))).build().start();
    target = "127.0.0.1:" + backend.getAddress().getPort();
    proxy = HttpProxy.builder().responseTimeout(Duration.ofSeconds(20)).build();
    quick = HttpProxy.builder().responseTimeout(Duration.ofMillis(500)).build();
    front = HttpServer.builder()
        .maxBodySize(1 << 20)
        .route("/ws", req -> proxy.forward(req, wsBackend.hostPort()))
        // answers on another thread, as a handler that first looks the backend up does
        .route("/later/ws", req -> CompletableFuture.supplyAsync(() -> wsBackend.hostPort(), lookups)
            .thenCompose(node -> proxy.forward(req, node, "/quiet", io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE)))
        .route("/bad", req -> proxy.forward(req, target, req.uri(),
            new io.netty.handler.codec.http.DefaultHttpHeaders(false).set("X-Evil", "a\r\nSet-Cookie: x=1")))
        .route("/slow", req -> quick.forward(req, target))
        .route("/exchange", req -> proxy.exchange(req, target, "PUT", "/collected",
                new io.netty.handler.codec.http.DefaultHttpHeaders().set("Host", target).set("Content-Type", "text/plain"),
                req.body(), Duration.ofSeconds(20), 1 << 20)
            .thenApply(a -> HttpResponse.of(200, "text/plain", ("got " + a.status() + " " + new String(a.body(),
                StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8))))
        .route("/", req -> proxy.forward(req, target))
        .build()
        .start();
  }

  @AfterEach
  void stop() {
    release.countDown();
    front.close();
    wsBackend.close();
    backend.stop(0);
    proxy.close();
    quick.close();
    lookups.shutdownNow();
  }

  private void serve(HttpExchange ex) throws java.io.IOException {
    String path = ex.getRequestURI().toString();
    seen.put("path", path);
    seen.put("xff", String.valueOf(ex.getRequestHeaders().getFirst("X-Forwarded-For")));
    seen.put("proto", String.valueOf(ex.getRequestHeaders().getFirst("X-Forwarded-Proto")));
    seen.put("xfh", String.valueOf(ex.getRequestHeaders().getFirst("X-Forwarded-Host")));
    seen.put("body", new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    if (path.startsWith("/slow")) {
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (path.startsWith("/big")) {
      ex.sendResponseHeaders(200, 0);
      try (OutputStream out = ex.getResponseBody()) {
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'z');
        for (int i = 0; i < 128; i++) {
          out.write(chunk);
        }
      }
      return;
    }
    byte[] body = ("hello " + ex.getRequestMethod() + " " + path).getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("X-Backend", "yes");
    ex.sendResponseHeaders(201, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  private java.net.http.HttpResponse<String> send(String method, String path, String body) throws Exception {
    return http.send(java.net.http.HttpRequest.newBuilder(URI.create(front.url() + path))
        .method(method, body.isEmpty() ? BodyPublishers.noBody() : BodyPublishers.ofString(body)).build(),
        BodyHandlers.ofString());
  }

  @Test
  void forwardsRequestAndAnswerWithForwardedHeaders() throws Exception {
    for (int i = 0; i < 3; i++) {
      var r = send("POST", "/greeter/x?a=b", "payload" + i);
      assertThat(r.statusCode()).isEqualTo(201);
      assertThat(r.body()).isEqualTo("hello POST /greeter/x?a=b");
      assertThat(r.headers().firstValue("X-Backend")).contains("yes");
      assertThat(seen).containsEntry("path", "/greeter/x?a=b").containsEntry("xff", "127.0.0.1")
          .containsEntry("proto", "http").containsEntry("body", "payload" + i)
          .containsEntry("xfh", front.hostPort());
    }
  }

  @Test
  void streamsLargeAnswersBeyondTheBodyLimit() throws Exception {
    var r = http.send(java.net.http.HttpRequest.newBuilder(URI.create(front.url() + "/big")).build(), BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).hasSize(128 * 64 * 1024);
  }

  @Test
  void exchangeCollectsTheWholeAnswer() throws Exception {
    for (int i = 0; i < 3; i++) {
      var r = send("POST", "/exchange", "x" + i);
      assertThat(r.body()).isEqualTo("got 201 hello PUT /collected");
      assertThat(seen).containsEntry("body", "x" + i).containsEntry("path", "/collected");
    }
  }

  @Test
  void backendDownIs503() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    target = "127.0.0.1:" + port;
    var r = send("GET", "/x", "");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.body()).contains("\"code\":503").contains("127.0.0.1:" + port);
  }

  @Test
  void slowBackendIs504() throws Exception {
    var r = send("GET", "/slow", "");
    assertThat(r.statusCode()).isEqualTo(504);
    assertThat(r.body()).contains("did not answer within 500 ms");
  }

  @Test
  void crlfInForwardedHeaderIsRefused() throws Exception {
    var r = send("GET", "/bad", "");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("X-Evil contains CR, LF or NUL");
    assertThat(seen).doesNotContainKey("path");
  }

  @Test
  void tunnelsWebSockets() throws Exception {
    TextCollector c = new TextCollector();
    LinkedBlockingQueue<String> got = c.got;
    WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://" + front.hostPort() + "/ws"), c)
        .get(5, TimeUnit.SECONDS);
    assertThat(got.poll(5, TimeUnit.SECONDS)).isEqualTo("backend:127.0.0.1");
    ws.sendText("hi", true).get(5, TimeUnit.SECONDS);
    assertThat(got.poll(5, TimeUnit.SECONDS)).isEqualTo("echo:hi");
    ws.sendClose(1000, "bye").get(5, TimeUnit.SECONDS);
  }

  @Test
  void tunnelsWebSocketsWhenTheHandlerAnswersOnAnotherThread() throws Exception {
    LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>();
    WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://" + front.hostPort() + "/later/ws"),
        new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            got.add(data.toString());
            w.request(1);
            return null;
          }
        }).get(10, TimeUnit.SECONDS);
    ws.sendText("hi", true).get(10, TimeUnit.SECONDS);
    assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("echo:hi");
    ws.sendClose(1000, "bye").get(10, TimeUnit.SECONDS);
  }

  @Test
  void tunnelsBytesTheBackendSendsWithItsUpgradeAnswer() throws Exception {
    try (ServerSocket raw = new ServerSocket(0, 4, java.net.InetAddress.getLoopbackAddress())) {
      Thread t = new Thread(() -> answerUpgradeWithAFrame(raw));
      t.setDaemon(true);
      t.start();
      HttpServer early = HttpServer.builder()
          .route("/early", req -> CompletableFuture.supplyAsync(() -> "127.0.0.1:" + raw.getLocalPort(), lookups)
              .thenCompose(node -> proxy.forward(req, node)))
          .build().start();
      try {
        LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>();
        WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://" + early.hostPort() + "/early"),
            new WebSocket.Listener() {
              @Override
              public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                got.add(data.toString());
                w.request(1);
                return null;
              }
            }).get(10, TimeUnit.SECONDS);
        assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("early");
        ws.abort();
      } finally {
        early.close();
      }
    }
  }

  /** Answers one upgrade with the 101 and a text frame in a single write, as a fast backend may. */
  private static void answerUpgradeWithAFrame(ServerSocket raw) {
    try (java.net.Socket s = raw.accept()) {
      java.io.BufferedReader in = new java.io.BufferedReader(
          new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
      String key = "";
      for (String line; (line = in.readLine()) != null && !line.isEmpty(); ) {
        if (line.toLowerCase(java.util.Locale.ROOT).startsWith("sec-websocket-key:")) {
          key = line.substring(line.indexOf(':') + 1).trim();
        }
      }
      String accept = java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("SHA-1")
          .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.ISO_8859_1)));
      byte[] head = ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
      byte[] frame = {(byte) 0x81, 5, 'e', 'a', 'r', 'l', 'y'};
      byte[] all = java.util.Arrays.copyOf(head, head.length + frame.length);
      System.arraycopy(frame, 0, all, head.length, frame.length);
      s.getOutputStream().write(all);
      s.getOutputStream().flush();
      s.getInputStream().read();
    } catch (Exception e) {
      // the test fails on the client side
    }
  }
}
