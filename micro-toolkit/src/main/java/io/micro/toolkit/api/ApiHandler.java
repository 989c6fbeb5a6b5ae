package io.micro.toolkit.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micro.client.CallOptions;
import io.micro.client.Request;
import io.micro.errors.MicroException;
import io.micro.metadata.Metadata;
import io.micro.toolkit.http.HttpHandler;
import io.micro.toolkit.http.HttpRequest;
import io.micro.toolkit.http.HttpResponse;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The {@code api} handler: sends micro's {@code api.Request} ({@code method, path, header, get,
 * post, body, url}; maps of {@code Pair{key, values}}) as JSON to the resolved endpoint and writes
 * the {@code api.Response} it returns ({@code statusCode} (0 = 200), {@code header}, {@code body};
 * {@code Content-Type} defaults to {@code application/json}).
 */
final class ApiHandler implements HttpHandler {
  private final Backend backend;
  private final Resolver resolver;
  private final CallOptions options;

  ApiHandler(Backend backend, Resolver resolver) {
    this.backend = backend;
    this.resolver = resolver;
    this.options = CallOptions.DEFAULT.withTimeout(backend.timeout());
  }

  @Override
  public CompletionStage<HttpResponse> handle(HttpRequest req) {
    Resolver.Target t;
    try {
      t = resolver.resolve(req);
    } catch (MicroException e) {
      return CompletableFuture.completedFuture(HttpResponse.error(e));
    }
    byte[] payload = Payloads.bytes(toApiRequest(req));
    Request call = new Request(t.service(), t.endpoint(), payload, "application/json", Backend.metadata(req));
    return backend.call(t.service(), () -> backend.client().callAsync(call, byte[].class, options))
        .handle((reply, err) -> {
          if (err != null) {
            return backend.failure(err, t.service(), req);
          }
          try {
            return fromApiResponse(Payloads.parse(reply));
          } catch (MicroException e) {
            return HttpResponse.error(MicroException.internalServerError(Backend.ID,
                "error during request: %s did not answer an api.Response: %s", t.service(), e.detail()));
          }
        });
  }

  /** micro's {@code api.Request} for {@code req}, as JSON. */
  static ObjectNode toApiRequest(HttpRequest req) {
    ObjectNode r = Payloads.JSON.createObjectNode();
    r.put("method", req.method());
    r.put("path", req.path());
    ObjectNode header = r.putObject("header");
    for (Map.Entry<String, String> e : req.headers()) {
      String key = Metadata.canonical(e.getKey());
      pair(header, key).withArray("values").add(e.getValue());
    }
    ObjectNode get = r.putObject("get");
    req.query().forEach((k, v) -> pairs(get, k, v));
    ObjectNode post = r.putObject("post");
    if (req.contentType().equals("application/x-www-form-urlencoded")) {
      new QueryStringDecoder(new String(req.body(), StandardCharsets.UTF_8), StandardCharsets.UTF_8, false)
          .parameters().forEach((k, v) -> pairs(post, k, v));
      r.put("body", "");
    } else {
      r.put("body", new String(req.body(), StandardCharsets.UTF_8));
    }
    String host = req.header("Host");
    r.put("url", (req.secure() ? "https://" : "http://") + (host == null ? "" : host) + req.uri());
    return r;
  }

  private static ObjectNode pair(ObjectNode map, String key) {
    JsonNode p = map.get(key);
    if (p instanceof ObjectNode o) {
      return o;
    }
    ObjectNode o = map.putObject(key);
    o.put("key", key);
    o.putArray("values");
    return o;
  }

  private static void pairs(ObjectNode map, String key, List<String> values) {
    ArrayNode a = pair(map, key).withArray("values");
    values.forEach(a::add);
  }

  /** The HTTP answer of micro's {@code api.Response}. */
  static HttpResponse fromApiResponse(JsonNode r) {
    if (!r.isObject()) {
      throw MicroException.badRequest(Backend.ID, "expected a JSON object, got %s", r.getNodeType());
    }
    JsonNode code = r.has("statusCode") ? r.get("statusCode") : r.get("status_code");
    int status = code == null || code.asInt() == 0 ? 200 : code.asInt();
    if (status < 100 || status > 599) {
      throw MicroException.badRequest(Backend.ID, "statusCode %d is not an HTTP status", status);
    }
    JsonNode body = r.get("body");
    HttpResponse out = HttpResponse.of(status, "application/json",
        body == null || body.isNull() ? new byte[0] : body.asText().getBytes(StandardCharsets.UTF_8));
    JsonNode header = r.get("header");
    if (header instanceof ObjectNode h) {
      Iterator<Map.Entry<String, JsonNode>> it = h.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode values = e.getValue().isObject() ? e.getValue().get("values") : e.getValue();
        if (values == null) {
          continue;
        }
        String name = e.getKey();
        boolean replaced = false;
        for (JsonNode v : values.isArray() ? values : List.of(values)) {
          String text = v.asText();
          if (text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0 || name.indexOf('\r') >= 0 || name.indexOf('\n') >= 0) {
            throw MicroException.badRequest(Backend.ID, "header %s has CR or LF", name.replaceAll("\\p{Cntrl}", "?"));
          }
          out = replaced ? out.addHeader(name, text) : out.withHeader(name, text);
          replaced = true;
        }
      }
    }
    return out;
  }
}
