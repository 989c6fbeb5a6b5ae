package io.micro.toolkit.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micro.client.CallOptions;
import io.micro.client.Request;
import io.micro.errors.MicroException;
import io.micro.registry.Node;
import io.micro.registry.Registry;
import io.micro.registry.Service;
import io.micro.toolkit.Toolkit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;

/**
 * The demo's web app {@code go.micro.web.greeter} (a smaller twin of {@code examples/greeter/web}):
 * {@code /?name=John} calls {@code Say.Hello} and shows the answer; served by the dashboard's proxy
 * at {@code /greeter/}.
 */
final class GreeterWebApp implements Component {

  static final String NAME = "go.micro.web.greeter";

  private @Nullable HttpServer http;
  private @Nullable ExecutorService executor;
  private @Nullable Registry registry;
  private @Nullable Service registration;

  @Override
  public String name() {
    return "web app";
  }

  @Override
  public synchronized List<String> start(Toolkit toolkit) {
    try {
      http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    } catch (IOException e) {
      throw new UncheckedIOException("web app " + NAME + ": cannot listen: " + e.getMessage(), e);
    }
    executor = Executors.newFixedThreadPool(4);
    http.setExecutor(executor);
    http.createContext("/", ex -> serve(ex, toolkit));
    http.start();
    String address = "127.0.0.1:" + http.getAddress().getPort();
    registry = toolkit.registry();
    registration = Service.of(NAME, "latest").withNodes(List.of(
        new Node(NAME + "-" + UUID.randomUUID(), address, Map.of("server", "http"))));
    registry.register(registration, Duration.ZERO);
    return List.of(NAME + " at " + address + " (through the dashboard at /greeter/)");
  }

  private static void serve(HttpExchange ex, Toolkit toolkit) throws IOException {
    try (ex) {
      String base = ex.getRequestHeaders().getFirst("X-Micro-Web-Base-Path");
      base = base == null ? "" : base;
      String query = ex.getRequestURI().getRawQuery();
      String name = null;
      if (query != null && query.startsWith("name=")) {
        name = URLDecoder.decode(query.substring(5), StandardCharsets.UTF_8).strip();
      }
      String body;
      if (name == null) {
        body = "<form action=\"" + esc(base) + "/\"><input name=\"name\" placeholder=\"Your name\" autofocus>"
            + " <button>Say hello</button></form>";
      } else {
        try {
          Greeter.Response r = toolkit.client().call(Request.json(Greeter.NAME, "Say.Hello",
              new Greeter.Request(name.isEmpty() ? "World" : name)), Greeter.Response.class, CallOptions.DEFAULT);
          body = "<h1>" + esc(r.msg()) + "</h1><a href=\"" + esc(base) + "/\">Again</a>";
        } catch (MicroException e) {
          body = "<p>The greeter failed: " + esc(e.getMessage()) + "</p>";
        }
      }
      byte[] b = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Greeter</title></head>"
          + "<body style=\"font:16px system-ui,sans-serif;margin:40px\">" + body + "</body></html>")
          .getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
      ex.sendResponseHeaders(200, b.length);
      ex.getResponseBody().write(b);
    }
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  @Override
  public synchronized void close() {
    if (registry != null && registration != null) {
      try {
        registry.deregister(registration);
      } catch (RuntimeException e) {
        // the registry is going away too; nothing to undo
      }
      registration = null;
    }
    if (http != null) {
      http.stop(0);
      http = null;
    }
    if (executor != null) {
      executor.shutdownNow();
      executor = null;
    }
  }
}
