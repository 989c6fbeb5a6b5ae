package io.micro.toolkit.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.micro.registry.Node;
import io.micro.registry.Service;
import io.micro.registry.memory.MemoryRegistry;
import io.micro.toolkit.Toolkit;
import io.micro.toolkit.demo.Greeter;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code micro web} over real sockets: the greeter of {@code micro demo} as the backend service, a
 * JDK HTTP server and a Netty websocket echo server as web apps, the JDK HTTP client as the user.
 */
class WebServerTest {

  static MemoryRegistry registry;
  static Toolkit toolkit;
  static Greeter greeter;
  static WebServer web;
  static HttpServer app;
  static EventLoopGroup wsGroup;
  static final AtomicReference<String> seenUri = new AtomicReference<>();
  static final AtomicReference<String> seenBase = new AtomicReference<>();
  static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    registry = MemoryRegistry.create();
    toolkit = Toolkit.builder().env(Map.of()).registry(registry).build();
    greeter = new Greeter("127.0.0.1:0");
    greeter.start(toolkit);
    web = WebServer.builder(registry, toolkit.selector(), toolkit.client())
        .address("127.0.0.1:0").enableStats(true).maxBodyBytes(64 * 1024).build().start();

    app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    app.createContext("/", ex -> {
      seenUri.set(ex.getRequestURI().toString());
      seenBase.set(ex.getRequestHeaders().getFirst("X-Micro-Web-Base-Path"));
      byte[] b = "app page".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, b.length);
      ex.getResponseBody().write(b);
      ex.close();
    });
    app.start();
    registerWebApp("go.micro.web.app", app.getAddress().getPort());

    wsGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    Channel ws = new ServerBootstrap().group(wsGroup).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                new WebSocketServerProtocolHandler("/echo"),
                new SimpleChannelInboundHandler<TextWebSocketFrame>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame f) {
                    ctx.writeAndFlush(new TextWebSocketFrame("echo: " + f.text()));
                  }
                });
          }
        }).bind("127.0.0.1", 0).sync().channel();
    registerWebApp("go.micro.web.ws", ((InetSocketAddress) ws.localAddress()).getPort());
  }

  static void registerWebApp(String name, int port) {
    registry.register(Service.of(name, "latest")
        .withNodes(List.of(Node.of(name + "-1", "127.0.0.1:" + port))), Duration.ZERO);
  }

  @AfterAll
  static void stop() {
    web.close();
    app.stop(0);
    wsGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    greeter.close();
    toolkit.close();
  }

  static HttpResponse<String> get(String path, String accept) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(web.url() + path)).header("Accept", accept)
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> post(String path, String type, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(web.url() + path)).header("Content-Type", type)
        .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void rpcCallsTheGreeterWithJson() throws Exception {
    HttpResponse<String> r = post("/rpc", "application/json",
        "{\"service\":\"go.micro.srv.greeter\",\"endpoint\":\"Say.Hello\",\"request\":{\"name\":\"John\"}}");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body().strip()).isEqualTo("{\"msg\":\"Hello John\"}");
    assertThat(r.headers().firstValue("X-Micro-Call-Duration")).isPresent();
  }

  @Test
  void rpcTakesMicrosFormFieldsAndMethodAlias() throws Exception {
    HttpResponse<String> r = post("/rpc", "application/x-www-form-urlencoded",
        "service=go.micro.srv.greeter&method=Say.Hello&request=%7B%22name%22%3A%22Ann%22%7D");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body().strip()).isEqualTo("{\"msg\":\"Hello Ann\"}");
  }

  @Test
  void rpcAnswersClearErrors() throws Exception {
    HttpResponse<String> noService = post("/rpc", "application/json", "{\"endpoint\":\"Say.Hello\"}");
    assertThat(noService.statusCode()).isEqualTo(400);
    assertThat(noService.body()).contains("\"id\":\"go.micro.rpc\"").contains("invalid service");

    HttpResponse<String> badJson = post("/rpc", "application/json", "{\"service\":");
    assertThat(badJson.statusCode()).isEqualTo(400);
    assertThat(badJson.body()).contains("malformed request body").contains("line 1");

    HttpResponse<String> badTimeout = post("/rpc", "application/json",
        "{\"service\":\"go.micro.srv.greeter\",\"endpoint\":\"Say.Hello\",\"timeout\":\"soon\"}");
    assertThat(badTimeout.statusCode()).isEqualTo(400);
    assertThat(badTimeout.body()).contains("invalid timeout: soon");

    HttpResponse<String> unknown = post("/rpc", "application/json",
        "{\"service\":\"go.micro.srv.nobody\",\"endpoint\":\"Say.Hello\"}");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("go.micro.srv.nobody");

    assertThat(get("/rpc", "application/json").statusCode()).isEqualTo(405);
  }

  @Test
  void rpcBodyIsBounded() throws Exception {
    String big = "{\"service\":\"x\",\"endpoint\":\"A.B\",\"request\":\"" + "a".repeat(100_000) + "\"}";
    assertThat(post("/rpc", "application/json", big).statusCode()).isEqualTo(413);
  }

  @Test
  void registryAnswersJson() throws Exception {
    HttpResponse<String> all = get("/registry", "application/json");
    assertThat(all.statusCode()).isEqualTo(200);
    assertThat(all.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(all.body()).contains("\"go.micro.srv.greeter\"").contains("\"go.micro.web.app\"");

    HttpResponse<String> one = get("/registry?service=go.micro.srv.greeter", "application/json");
    assertThat(one.body()).contains("\"name\":\"Say.Hello\"").contains("\"address\":\"127.0.0.1:");

    HttpResponse<String> none = get("/registry?service=go.micro.srv.nobody", "application/json");
    assertThat(none.statusCode()).isEqualTo(404);
    assertThat(none.body()).contains("service go.micro.srv.nobody: not found");
  }

  @Test
  void pagesRender() throws Exception {
    HttpResponse<String> home = get("/", "text/html");
    assertThat(home.statusCode()).isEqualTo(200);
    assertThat(home.body()).contains("href=\"/app/\"").contains("href=\"/ws/\"")
        .doesNotContain("go.micro.srv.greeter<");

    HttpResponse<String> service = get("/registry?service=go.micro.srv.greeter", "text/html");
    assertThat(service.body()).contains("Say.Hello").contains("name string").contains("msg string");

    assertThat(get("/call?service=go.micro.srv.greeter", "text/html").body())
        .contains("<option selected>go.micro.srv.greeter</option>");
    assertThat(get("/cli", "text/html").body()).contains("id=\"cli-input\"");
    assertThat(get("/assets/dashboard.js", "*/*").statusCode()).isEqualTo(200);
    assertThat(get("/registry?service=%3Cscript%3E", "text/html").body()).doesNotContain("<script>");
  }

  @Test
  void statsCountsRequests() throws Exception {
    get("/", "text/html");
    HttpResponse<String> s = get("/stats", "application/json");
    assertThat(s.statusCode()).isEqualTo(200);
    assertThat(s.body()).contains("\"counters\":[{").contains("\"20x\":").contains("\"started\":");
  }

  @Test
  void proxyStripsThePrefixAndSetsTheBasePath() throws Exception {
    HttpResponse<String> r = get("/app/bar/baz?x=1", "text/html");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("app page");
    assertThat(seenUri.get()).isEqualTo("/bar/baz?x=1");
    assertThat(seenBase.get()).isEqualTo("/app");

    assertThat(get("/app", "text/html").body()).isEqualTo("app page");
    assertThat(seenUri.get()).isEqualTo("/");
  }

  @Test
  void proxyToAnUnknownWebAppIsABadGateway() throws Exception {
    HttpResponse<String> r = get("/nothere/", "text/html");
    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(r.body()).contains("go.micro.web.nothere");
  }

  @Test
  void websocketEchoesThroughTheProxy() throws Exception {
    CompletableFuture<String> reply = new CompletableFuture<>();
    WebSocket ws = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
        .buildAsync(URI.create(web.url().replace("http:", "ws:") + "/ws/echo"), new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            reply.complete(data.toString());
            return null;
          }
        }).get(10, TimeUnit.SECONDS);
    ws.sendText("hello", true).get(10, TimeUnit.SECONDS);
    assertThat(reply.get(10, TimeUnit.SECONDS)).isEqualTo("echo: hello");
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
  }
}
