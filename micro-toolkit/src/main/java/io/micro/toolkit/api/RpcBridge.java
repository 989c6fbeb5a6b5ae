package io.micro.toolkit.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.micro.client.CallOptions;
import io.micro.client.Request;
import io.micro.errors.MicroException;
import io.micro.toolkit.http.HttpHandler;
import io.micro.toolkit.http.HttpRequest;
import io.micro.toolkit.http.HttpResponse;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * {@code POST /rpc}: calls any service with JSON, {@code {"service", "method" | "endpoint",
 * "request", "address"?}} as a JSON body or form fields ({@code request} a JSON object or a string
 * holding one). With {@code address} the call goes to that node directly. A {@code Timeout} header
 * (seconds) shortens the call's deadline. Errors have id {@code go.micro.rpc}.
 */
final class RpcBridge implements HttpHandler {
  static final String ID = "go.micro.rpc";
  private final Backend backend;

  RpcBridge(Backend backend) {
    this.backend = backend;
  }

  @Override
  public CompletionStage<HttpResponse> handle(HttpRequest req) {
    if (!req.method().equals("POST")) {
      return done(HttpResponse.error(MicroException.methodNotAllowed(ID, "Method not allowed: %s (expected POST)", req.method())));
    }
    String service;
    String method;
    String address;
    byte[] payload;
    try {
      if (req.contentType().equals("application/json")) {
        JsonNode body;
        try {
          body = Payloads.parse(req.body());
        } catch (MicroException e) {
          throw MicroException.badRequest(ID, "error decoding request string: %s", e.detail());
        }
        service = text(body.get("service"));
        method = text(body.get("method"));
        if (method.isEmpty()) {
          method = text(body.get("endpoint"));
        }
        address = text(body.get("address"));
        payload = request(body.get("request"));
      } else {
        Map<String, List<String>> form = new QueryStringDecoder(
            new String(req.body(), StandardCharsets.UTF_8), StandardCharsets.UTF_8, false).parameters();
        service = first(form, "service");
        method = first(form, "method");
        if (method.isEmpty()) {
          method = first(form, "endpoint");
        }
        address = first(form, "address");
        String r = first(form, "request");
        payload = r.isBlank() ? new byte[] {'{', '}'} : request(Payloads.JSON.getNodeFactory().textNode(r));
      }
      if (service.isBlank()) {
        throw MicroException.badRequest(ID, "invalid service");
      }
      if (method.isBlank()) {
        throw MicroException.badRequest(ID, "invalid method");
      }
    } catch (MicroException e) {
      return done(HttpResponse.error(e));
    }
    CallOptions options = CallOptions.DEFAULT.withTimeout(timeout(req));
    if (!address.isBlank()) {
      options = options.withAddress(address.split(","));
    }
    CallOptions opts = options;
    Request call = new Request(service, method, payload, "application/json", Backend.metadata(req));
    String svc = service;
    String addr = address;
    return (addr.isBlank() ? backend.call(svc, () -> backend.client().callAsync(call, byte[].class, opts))
        : backend.offLoop(() -> backend.client().callAsync(call, byte[].class, opts)))
        .handle((reply, err) -> {
          if (err == null) {
            return HttpResponse.json(200, reply);
          }
          MicroException e = backend.translate(err, svc, req);
          return HttpResponse.error(e.code() == 500 && e.id().equals(Backend.ID)
              ? MicroException.internalServerError(ID, "%s", e.detail()) : e);
        });
  }

  private Duration timeout(HttpRequest req) {
    String t = req.header("Timeout");
    if (t != null) {
      try {
        long s = Long.parseLong(t.strip());
        if (s > 0 && s < backend.timeout().toSeconds()) {
          return Duration.ofSeconds(s);
        }
      } catch (NumberFormatException ignored) {
        // not seconds: the gateway's timeout applies
      }
    }
    return backend.timeout();
  }

  private static byte[] request(@Nullable JsonNode r) {
    if (r == null || r.isNull()) {
      return new byte[] {'{', '}'};
    }
    if (r.isTextual()) {
      JsonNode parsed;
      try {
        parsed = Payloads.parse(r.asText().getBytes(StandardCharsets.UTF_8));
      } catch (MicroException e) {
        throw MicroException.badRequest(ID, "error decoding request string: %s", e.detail());
      }
      return Payloads.bytes(parsed);
    }
    return Payloads.bytes(r);
  }

  private static String text(@Nullable JsonNode n) {
    return n == null || n.isNull() ? "" : n.asText();
  }

  private static String first(Map<String, List<String>> form, String key) {
    List<String> v = form.get(key);
    return v == null || v.isEmpty() ? "" : v.get(0);
  }

  private static CompletionStage<HttpResponse> done(HttpResponse r) {
    return CompletableFuture.completedFuture(r);
  }
}
