package io.micro.toolkit.sidecar;

import com.fasterxml.jackson.databind.JsonNode;
import io.micro.client.CallOptions;
import io.micro.client.Client;
import io.micro.client.Request;
import io.micro.errors.MicroException;
import io.micro.metadata.Metadata;
import io.micro.toolkit.http.HttpHandler;
import io.micro.toolkit.http.HttpRequest;
import io.micro.toolkit.http.HttpResponse;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * {@code POST /rpc}: calls {@code service}'s {@code method} (alias {@code endpoint}) with the JSON
 * {@code request} and answers the service's JSON reply as it came. The body is JSON
 * ({@code {"service":..,"method":..,"request":{..}|"<json text>","address":"host:port"}}) or, for any
 * other content type, a form with the same fields. {@code address} skips discovery.
 *
 * <p>HTTP headers travel as call metadata (except connection and CORS headers); a {@code Timeout}
 * header (seconds, or a Go duration) bounds the call. Errors are go-micro's error JSON with the
 * HTTP status equal to the error code: 400 for bad input, 404 when the registry knows no such
 * service, 408 on timeout, the service's own code otherwise (500 when it has none).
 */
final class RpcBridge implements HttpHandler {
  static final String ERROR_ID = "go.micro.rpc";
  private static final Set<String> NOT_FORWARDED = Set.of("host", "content-length", "content-type",
      "connection", "keep-alive", "transfer-encoding", "upgrade", "te", "trailer", "accept",
      "accept-encoding", "origin", "referer", "timeout", "expect", "proxy-connection",
      "access-control-request-method", "access-control-request-headers");

  private final Client client;
  private final Executor executor;

  RpcBridge(Client client, Executor executor) {
    this.client = client;
    this.executor = executor;
  }

  /** One parsed {@code /rpc} call. */
  record Call(String service, String method, byte[] request, @Nullable String address) {}

  @Override
  public CompletableFuture<HttpResponse> handle(HttpRequest x) {
    if (!x.method().equals("POST")) {
      return CompletableFuture.completedFuture(HttpResponse.error(MicroException.methodNotAllowed(ERROR_ID,
          "%s /rpc (expected: POST)", x.method())));
    }
    Call call;
    CallOptions options;
    try {
      call = parse(x.contentType(), x.body());
      options = options(x, call);
    } catch (MicroException e) {
      return CompletableFuture.completedFuture(HttpResponse.error(e));
    }
    Request request = Request.json(call.service(), call.method(), call.request());
    // selection may consult the registry: not on the I/O thread
    return Work.async(executor, () -> client.callAsync(request, byte[].class, options))
        .thenCompose(f -> f)
        .handle((body, t) -> t == null ? HttpResponse.json(200, body)
            : HttpResponse.error(error(call, t)));
  }

  /** Reads a JSON or form body; 400 naming the missing or malformed field. */
  static Call parse(String mediaType, byte[] body) {
    String service;
    String method;
    String address;
    byte[] request;
    if (mediaType.equals("application/json") || mediaType.endsWith("+json")) {
      JsonNode root = Json.read(body, ERROR_ID, "request body");
      if (!root.isObject()) {
        throw MicroException.badRequest(ERROR_ID, "request body is a %s (expected: an object such as"
            + " {\"service\":\"go.micro.srv.greeter\",\"method\":\"Say.Hello\",\"request\":{\"name\":\"John\"}})",
            root.getNodeType().name().toLowerCase(Locale.ROOT));
      }
      service = text(root, "service");
      method = text(root, "method");
      if (method == null) {
        method = text(root, "endpoint");
      }
      address = text(root, "address");
      JsonNode r = root.get("request");
      if (r == null || r.isNull()) {
        request = new byte[] {'{', '}'};
      } else if (r.isTextual()) {
        request = requestString(r.asText());
      } else {
        request = Json.write(r);
      }
    } else {
      Map<String, List<String>> form = new QueryStringDecoder(
          new String(body, StandardCharsets.UTF_8), StandardCharsets.UTF_8, false, 1024).parameters();
      service = first(form, "service");
      method = first(form, "method");
      if (method == null) {
        method = first(form, "endpoint");
      }
      address = first(form, "address");
      String r = first(form, "request");
      request = r == null ? new byte[] {'{', '}'} : requestString(r);
    }
    if (service == null) {
      throw MicroException.badRequest(ERROR_ID,
          "invalid service: missing \"service\" (expected: a service name, e.g. go.micro.srv.greeter)");
    }
    if (method == null) {
      throw MicroException.badRequest(ERROR_ID,
          "invalid method: missing \"method\" or \"endpoint\" (expected: Handler.Method, e.g. Say.Hello)");
    }
    if (address != null && address.lastIndexOf(':') < 0) {
      throw MicroException.badRequest(ERROR_ID, "invalid address '%s' (expected: host:port)", address);
    }
    return new Call(service, method, request, address);
  }

  private static byte[] requestString(String text) {
    if (text.isBlank()) {
      return new byte[] {'{', '}'};
    }
    try {
      return Json.write(Json.read(text, ERROR_ID, "request string"));
    } catch (MicroException e) {
      throw MicroException.badRequest(ERROR_ID, "error decoding request string: %s", e.detail());
    }
  }

  private static CallOptions options(HttpRequest x, Call call) {
    Map<String, String> md = new LinkedHashMap<>();
    for (Map.Entry<String, String> h : x.headers()) {
      String key = h.getKey();
      if (!NOT_FORWARDED.contains(key.toLowerCase(Locale.ROOT))) {
        md.merge(Metadata.canonical(key), h.getValue(), (a, b) -> a + "," + b);
      }
    }
    CallOptions o = CallOptions.DEFAULT.withMetadata(Metadata.of(md));
    String timeout = x.headers().get("Timeout");
    if (timeout != null && !timeout.isBlank()) {
      Duration d;
      try {
        d = Work.duration(timeout);
      } catch (IllegalArgumentException e) {
        throw MicroException.badRequest(ERROR_ID, "Timeout header %s", e.getMessage());
      }
      if (!d.isZero()) {
        o = o.withTimeout(d);
      }
    }
    if (call.address() != null) {
      o = o.withAddress(call.address());
    }
    return o;
  }

  /**
   * The error to answer: the selector's "not found" becomes 404; anything without a code keeps its
   * text under id {@code go.micro.rpc}, as micro's {@code /rpc} does.
   */
  static MicroException error(Call call, Throwable t) {
    Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    MicroException e = MicroException.from(ERROR_ID, cause);
    // the selector reports an unknown service as a 500 "service NAME: not found" (go-micro's words)
    if (e.code() == 500 && "go.micro.client".equals(e.id())
        && e.detail().equals("service " + call.service() + ": not found")) {
      return MicroException.notFound(ERROR_ID, "service %s: not found", call.service());
    }
    if (e.code() == 0) {
      return MicroException.internalServerError(ERROR_ID, "error during request: %s", e.detail());
    }
    return e;
  }

  private static @Nullable String text(JsonNode root, String field) {
    JsonNode n = root.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual()) {
      throw MicroException.badRequest(ERROR_ID, "\"%s\" is %s (expected: a string)", field, n);
    }
    return n.asText().isBlank() ? null : n.asText().strip();
  }

  private static @Nullable String first(Map<String, List<String>> form, String name) {
    List<String> v = form.get(name);
    return v == null || v.isEmpty() || v.get(0).isBlank() ? null : v.get(0).strip();
  }
}
