package io.micro.toolkit.sidecar;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micro.errors.MicroException;
import io.micro.registry.Registry;
import io.micro.registry.Service;
import io.micro.toolkit.http.HttpHandler;
import io.micro.toolkit.http.HttpRequest;
import io.micro.toolkit.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * {@code /registry}: {@code GET ?service=NAME} answers every version of the service (404 when there
 * is none), {@code GET} alone every service; {@code POST} registers the service JSON of the body
 * ({@code ?ttl=30s} makes the nodes expire unless registered again), {@code DELETE} deregisters it.
 *
 * <p>Nodes are go-micro's {@code {"id","address":"host:port","metadata"}}; the 2016 shape with a
 * separate {@code "port"} is accepted too. Registry calls run on the sidecar's executor.
 */
final class RegistryApi implements HttpHandler {
  static final String ERROR_ID = Work.ERROR_ID;

  private final Registry registry;
  private final Executor executor;

  RegistryApi(Registry registry, Executor executor) {
    this.registry = registry;
    this.executor = executor;
  }

  @Override
  public CompletableFuture<HttpResponse> handle(HttpRequest x) {
    String m = x.method();
    if (m.equals("GET")) {
      String name = x.queryParam("service");
      if (name == null) {
        return async(() -> HttpResponse.json(200, Json.write(registry.listServices())));
      }
      if (name.isBlank()) {
        return done(HttpResponse.error(MicroException.badRequest(ERROR_ID,
            "empty query parameter service (expected: a service name)")));
      }
      return async(() -> {
        List<Service> versions = registry.getService(name);
        if (versions.isEmpty()) {
          return HttpResponse.error(MicroException.notFound(ERROR_ID, "service %s: not found", name));
        }
        return HttpResponse.json(200, Json.write(versions));
      });
    }
    if (m.equals("POST") || m.equals("DELETE")) {
      Service service;
      Duration ttl;
      try {
        service = parse(x.body());
        ttl = ttl(x.queryParam("ttl"));
      } catch (MicroException e) {
        return done(HttpResponse.error(e));
      }
      return async(() -> {
        if (m.equals("POST")) {
          registry.register(service, ttl);
        } else {
          registry.deregister(service);
        }
        return HttpResponse.empty(200);
      });
    }
    return done(HttpResponse.error(MicroException.methodNotAllowed(ERROR_ID,
        "%s /registry (expected: GET, POST or DELETE)", m)));
  }

  /**
   * The service of a request body, checked: a JSON object with a non-blank {@code name}, nodes with
   * an {@code id} and a {@code host:port} address (or {@code address} and {@code port}).
   */
  static Service parse(byte[] body) {
    JsonNode root = Json.read(body, ERROR_ID, "service JSON");
    if (!root.isObject()) {
      throw MicroException.badRequest(ERROR_ID, "service JSON is a %s (expected: an object such as"
          + " {\"name\":\"foo\",\"nodes\":[{\"id\":\"foo-1\",\"address\":\"127.0.0.1:9090\"}]})",
          root.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
    }
    ObjectNode service = (ObjectNode) root.deepCopy();
    JsonNode name = service.get("name");
    if (name == null || !name.isTextual() || name.asText().isBlank()) {
      throw MicroException.badRequest(ERROR_ID, "service JSON: missing or empty \"name\" (got %s)",
          name == null ? "nothing" : name.toString());
    }
    JsonNode nodes = service.get("nodes");
    if (nodes != null && !nodes.isNull()) {
      if (!nodes.isArray()) {
        throw MicroException.badRequest(ERROR_ID, "service JSON: \"nodes\" is %s (expected: an array)",
            nodes.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
      }
      int i = 0;
      for (JsonNode n : (ArrayNode) nodes) {
        checkNode(n, i++);
      }
    }
    try {
      return Json.MAPPER.treeToValue(service, Service.class);
    } catch (JsonProcessingException e) {
      throw MicroException.badRequest(ERROR_ID, "service JSON: %s", Json.describe(e)).withCause(e);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw MicroException.badRequest(ERROR_ID, "service JSON: %s", e.getMessage()).withCause(e);
    }
  }

  private static void checkNode(JsonNode n, int i) {
    if (!n.isObject()) {
      throw MicroException.badRequest(ERROR_ID, "service JSON: nodes[%d] is not an object", i);
    }
    ObjectNode node = (ObjectNode) n;
    JsonNode id = node.get("id");
    if (id == null || !id.isTextual() || id.asText().isBlank()) {
      throw MicroException.badRequest(ERROR_ID, "service JSON: nodes[%d] has no \"id\"", i);
    }
    JsonNode address = node.get("address");
    if (address == null || !address.isTextual() || address.asText().isBlank()) {
      throw MicroException.badRequest(ERROR_ID,
          "service JSON: nodes[%d] (%s) has no \"address\" (expected: host:port)", i, id.asText());
    }
    JsonNode port = node.remove("port");
    String a = address.asText().strip();
    boolean hasPort = a.startsWith("[") ? a.contains("]:") : a.indexOf(':') >= 0 && a.indexOf(':') == a.lastIndexOf(':');
    if (port != null && !port.isNull() && !(port.isNumber() && port.asInt() == 0)) {
      if (!port.canConvertToInt() || port.asInt() < 1 || port.asInt() > 65535) {
        throw MicroException.badRequest(ERROR_ID,
            "service JSON: nodes[%d] (%s) port %s (expected: 1..65535)", i, id.asText(), port);
      }
      if (!hasPort) {
        a = (a.indexOf(':') >= 0 && !a.startsWith("[") ? "[" + a + "]" : a) + ":" + port.asInt();
        hasPort = true;
      }
    }
    if (!hasPort) {
      throw MicroException.badRequest(ERROR_ID, "service JSON: nodes[%d] (%s) address '%s' has no"
          + " port (expected: host:port, or \"address\" and \"port\")", i, id.asText(), a);
    }
    node.put("address", a);
  }

  /** The {@code ttl} parameter: a Go duration ({@code 30s}, {@code 1m}) or seconds; none = no expiry. */
  static Duration ttl(@Nullable String text) {
    try {
      return Work.duration(text);
    } catch (IllegalArgumentException e) {
      throw MicroException.badRequest(ERROR_ID, "ttl %s", e.getMessage());
    }
  }

  private CompletableFuture<HttpResponse> async(Supplier<HttpResponse> work) {
    return Work.async(executor, () -> {
      try {
        return work.get();
      } catch (MicroException e) {
        return HttpResponse.error(e);
      } catch (RuntimeException e) {
        return HttpResponse.error(MicroException.internalServerError(ERROR_ID, "registry %s: %s",
            registry.name(), e.getMessage() == null ? e.toString() : e.getMessage()));
      }
    });
  }

  private static CompletableFuture<HttpResponse> done(HttpResponse r) {
    return CompletableFuture.completedFuture(r);
  }
}
