package io.micro.toolkit.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micro.errors.MicroException;
import io.micro.registry.Service;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A sidecar ({@code micro sidecar}) reached over HTTP, as micro's CLI does with {@code
 * --proxy_address}: {@code GET /registry} lists, {@code GET /registry?service=NAME} gets, {@code
 * POST} and {@code DELETE /registry} (re|de)register, {@code POST /rpc} calls and a websocket on
 * {@code /broker?topic=T} publishes. An address without a scheme gets {@code http://}.
 */
final class ProxyBackend implements Backend {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final String ERROR_ID = "go.micro.client";

  private final URI base;
  private final HttpClient http;

  ProxyBackend(String address) {
    String a = address.contains("://") ? address : "http://" + address;
    while (a.endsWith("/")) {
      a = a.substring(0, a.length() - 1);
    }
    try {
      this.base = URI.create(a);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "proxy_address: '" + address + "' (expected: HOST:PORT or http://HOST:PORT)", e);
    }
    if (base.getHost() == null) {
      throw new IllegalArgumentException(
          "proxy_address: '" + address + "' (expected: HOST:PORT or http://HOST:PORT)");
    }
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @Override
  public List<String> listServices() {
    HttpResponse<byte[]> rsp = send(HttpRequest.newBuilder(uri("/registry")).GET());
    JsonNode all = parse(expectOk(rsp, "GET /registry"));
    TreeSet<String> names = new TreeSet<>();
    for (JsonNode s : all) {
      names.add(s.isTextual() ? s.asText() : s.path("name").asText());
    }
    names.remove("");
    return List.copyOf(names);
  }

  @Override
  public List<Service> getService(String name) {
    HttpResponse<byte[]> rsp = send(HttpRequest.newBuilder(
        uri("/registry?service=" + URLEncoder.encode(name, StandardCharsets.UTF_8))).GET());
    if (rsp.statusCode() == 404) {
      return List.of();
    }
    byte[] body = expectOk(rsp, "GET /registry?service=" + name);
    try {
      List<Service> services = Json.MAPPER.readValue(body, new TypeReference<List<Service>>() {});
      return services == null ? List.of() : services;
    } catch (IOException e) {
      throw new IllegalStateException("proxy " + base + ": GET /registry: unexpected answer: " + e.getMessage(), e);
    }
  }

  @Override
  public void register(Service service, Duration ttl) {
    String query = ttl.isZero() ? "" : "?ttl=" + ttl.toMillis() + "ms";
    expectOk(send(HttpRequest.newBuilder(uri("/registry" + query))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(Json.compact(service)))), "POST /registry");
  }

  @Override
  public void deregister(Service service) {
    expectOk(send(HttpRequest.newBuilder(uri("/registry"))
        .header("Content-Type", "application/json")
        .method("DELETE", HttpRequest.BodyPublishers.ofString(Json.compact(service)))),
        "DELETE /registry");
  }

  @Override
  public byte[] call(String service, String endpoint, byte[] request, Map<String, String> metadata,
      @Nullable String address) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("service", service);
    body.put("endpoint", endpoint);
    body.put("method", endpoint);
    body.set("request", parse(request));
    if (address != null) {
      body.put("address", address);
    }
    HttpRequest.Builder rb = HttpRequest.newBuilder(uri("/rpc"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(Json.compact(body)));
    metadata.forEach(rb::header);
    HttpResponse<byte[]> rsp;
    try {
      rsp = send(rb);
    } catch (IllegalStateException e) {
      throw MicroException.internalServerError(ERROR_ID, "%s", e.getMessage());
    }
    if (rsp.statusCode() / 100 == 2) {
      return rsp.body();
    }
    String text = new String(rsp.body(), StandardCharsets.UTF_8).strip();
    MicroException error = MicroException.parse(text);
    if (error.code() == 0) {
      error = MicroException.of(ERROR_ID, rsp.statusCode(), text.isEmpty() ? "HTTP " + rsp.statusCode() : text);
    }
    throw error;
  }

  @Override
  public void publish(String topic, byte[] message, Map<String, String> metadata) {
    String scheme = "https".equals(base.getScheme()) ? "wss" : "ws";
    URI ws = URI.create(scheme + "://" + base.getRawAuthority() + path()
        + "/broker?topic=" + URLEncoder.encode(topic, StandardCharsets.UTF_8));
    try {
      WebSocket socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
          .buildAsync(ws, new WebSocket.Listener() {}).get(10, TimeUnit.SECONDS);
      socket.sendText(new String(message, StandardCharsets.UTF_8), true).get(10, TimeUnit.SECONDS);
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("proxy " + base + ": publish interrupted", e);
    } catch (Exception e) {
      Throwable cause = e instanceof CompletionException || e instanceof java.util.concurrent.ExecutionException
          ? e.getCause() : e;
      throw new IllegalStateException("proxy " + ws + ": cannot publish: " + cause, cause);
    }
  }

  private String path() {
    return base.getRawPath() == null ? "" : base.getRawPath();
  }

  private URI uri(String pathAndQuery) {
    return URI.create(base + pathAndQuery);
  }

  private HttpResponse<byte[]> send(HttpRequest.Builder request) {
    try {
      return http.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("proxy " + base + ": interrupted", e);
    } catch (IOException e) {
      throw new IllegalStateException("proxy " + base + ": cannot connect: " + e, e);
    }
  }

  private byte[] expectOk(HttpResponse<byte[]> rsp, String what) {
    if (rsp.statusCode() / 100 != 2) {
      String text = new String(rsp.body(), StandardCharsets.UTF_8).strip();
      throw new IllegalStateException("proxy " + base + ": " + what + ": HTTP " + rsp.statusCode()
          + (text.isEmpty() ? "" : ": " + text));
    }
    return rsp.body();
  }

  private JsonNode parse(byte[] json) {
    try {
      return Json.MAPPER.readTree(json.length == 0 ? "null".getBytes(StandardCharsets.UTF_8) : json);
    } catch (IOException e) {
      throw new IllegalStateException("proxy " + base + ": not JSON: " + e.getMessage(), e);
    }
  }
}
