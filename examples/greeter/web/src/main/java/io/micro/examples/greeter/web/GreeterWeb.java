package io.micro.examples.greeter.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micro.Service;
import io.micro.errors.MicroException;
import io.micro.examples.greeter.Request;
import io.micro.registry.Node;
import io.micro.registry.Registry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The web app {@code go.micro.web.greeter}: {@code GET /} shows a form asking for a name, {@code
 * POST /} (or {@code GET /?name=John}) calls {@code go.micro.srv.greeter Say.Hello} and shows the
 * reply in an {@code <h1>}. It registers its HTTP address in the registry, so {@code micro web}
 * serves it at {@code /greeter/}; links use the {@code X-Micro-Web-Base-Path} header the proxy
 * adds.
 *
 * <pre>
 * java -jar examples/greeter/web/target/greeter-web.jar --address=127.0.0.1:9092
 * </pre>
 *
 * <p>{@code --address=HOST:PORT} (default {@code 127.0.0.1:0}, a free port) is where it listens;
 * every other argument is a standard flag ({@code --registry=...}).
 */
public final class GreeterWeb implements AutoCloseable {

  /** The registry name of this web app. */
  public static final String NAME = "go.micro.web.greeter";

  private static final int MAX_FORM_BYTES = 4096;

  private final HttpServer http;
  private final ExecutorService executor = Executors.newFixedThreadPool(8);
  private final Registry registry;
  private final Say say;
  private final io.micro.registry.Service registration;

  /**
   * Starts listening on {@code address} and registers {@code go.micro.web.greeter} in {@code
   * registry}; calls the greeter with {@code say}.
   */
  public GreeterWeb(InetSocketAddress address, Registry registry, Say say) throws IOException {
    this.registry = registry;
    this.say = say;
    this.http = HttpServer.create(address, 64);
    http.createContext("/", this::serve);
    http.setExecutor(executor);
    http.start();
    InetSocketAddress bound = http.getAddress();
    String host = bound.getAddress().isAnyLocalAddress() ? "127.0.0.1" : bound.getAddress().getHostAddress();
    registration = io.micro.registry.Service.of(NAME, "latest").withNodes(List.of(
        new Node(NAME + "-" + UUID.randomUUID(), host + ":" + bound.getPort(), Map.of("server", "http"))));
    registry.register(registration, Duration.ZERO);
  }

  /** The address the app listens on. */
  public InetSocketAddress address() {
    return http.getAddress();
  }

  private void serve(HttpExchange ex) throws IOException {
    try (ex) {
      String base = ex.getRequestHeaders().getFirst("X-Micro-Web-Base-Path");
      base = base == null ? "" : base;
      if (!ex.getRequestURI().getPath().equals("/")) {
        send(ex, 404, page(base, "<p>Not found: " + esc(ex.getRequestURI().getPath()) + "</p>"));
        return;
      }
      String name = null;
      if (ex.getRequestMethod().equals("POST")) {
        try (InputStream in = ex.getRequestBody()) {
          byte[] body = in.readNBytes(MAX_FORM_BYTES + 1);
          if (body.length > MAX_FORM_BYTES) {
            send(ex, 413, page(base, "<p>Form too large</p>"));
            return;
          }
          name = field(new String(body, StandardCharsets.UTF_8), "name");
        }
        name = name == null || name.isBlank() ? "World" : name;
      } else if (ex.getRequestURI().getRawQuery() != null) {
        name = field(ex.getRequestURI().getRawQuery(), "name");
      }
      if (name == null) {
        send(ex, 200, page(base, "<form method=\"post\" action=\"" + esc(base) + "/\">"
            + "<label>Name <input name=\"name\" id=\"name\" placeholder=\"World\" autofocus></label> "
            + "<button type=\"submit\">Say hello</button></form>"));
        return;
      }
      try {
        String msg = say.hello(Request.newBuilder().setName(name).build()).getMsg();
        send(ex, 200, page(base, "<h1 id=\"message\">" + esc(msg) + "</h1><p><a href=\"" + esc(base)
            + "/\">Again</a></p>"));
      } catch (MicroException e) {
        send(ex, 502, page(base, "<p id=\"error\">The greeter failed: " + esc(e.getMessage()) + "</p>"));
      }
    }
  }

  private static String page(String base, String body) {
    return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Greeter</title>"
        + "<style>body{font:16px system-ui,sans-serif;margin:40px}input,button{font-size:16px;padding:6px}</style>"
        + "</head><body><p><small>go.micro.web.greeter, served at " + esc(base.isEmpty() ? "/" : base + "/")
        + "</small></p>" + body + "</body></html>";
  }

  private static void send(HttpExchange ex, int status, String html) throws IOException {
    byte[] b = html.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }

  private static String field(String form, String key) {
    for (String pair : form.split("&")) {
      int i = pair.indexOf('=');
      String k = i < 0 ? pair : pair.substring(0, i);
      if (URLDecoder.decode(k, StandardCharsets.UTF_8).equals(key)) {
        return i < 0 ? "" : URLDecoder.decode(pair.substring(i + 1), StandardCharsets.UTF_8).trim();
      }
    }
    return null;
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  /** Deregisters and stops listening. */
  @Override
  public void close() {
    try {
      registry.deregister(registration);
    } finally {
      http.stop(0);
      executor.shutdownNow();
    }
  }

  /** Runs the web app until SIGTERM or SIGINT. */
  public static void main(String[] args) throws IOException, InterruptedException {
    String address = "127.0.0.1:0";
    List<String> rest = new ArrayList<>();
    for (String a : args) {
      if (a.startsWith("--address=")) {
        address = a.substring("--address=".length());
      } else {
        rest.add(a);
      }
    }
    int i = address.lastIndexOf(':');
    if (i < 0) {
      throw new IllegalArgumentException("--address: '" + address + "' (expected: host:port)");
    }
    InetSocketAddress bind = new InetSocketAddress(address.substring(0, i), Integer.parseInt(address.substring(i + 1)));
    Service service = Service.builder().name(NAME).args(rest.toArray(String[]::new)).build();
    GreeterWeb web = new GreeterWeb(bind, service.registry(), service.client().proxy(Say.class, "go.micro.srv.greeter"));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      web.close();
      service.close();
      stopped.countDown();
    }, "greeter-web-shutdown"));
    System.out.println(NAME + " listening on " + web.address() + "; through micro web at /greeter/");
    stopped.await();
  }
}
