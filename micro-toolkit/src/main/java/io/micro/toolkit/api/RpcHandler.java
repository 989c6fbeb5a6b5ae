package io.micro.toolkit.api;

import io.micro.client.CallOptions;
import io.micro.client.Request;
import io.micro.errors.MicroException;
import io.micro.registry.Node;
import io.micro.selector.SelectOptions;
import io.micro.toolkit.http.HttpHandler;
import io.micro.toolkit.http.HttpProxy;
import io.micro.toolkit.http.HttpRequest;
import io.micro.toolkit.http.HttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code rpc} handler: resolves the path to a service and endpoint, calls it with the JSON (or
 * protobuf) payload built from the request, and answers the reply with the request's content type
 * (200, or 204 when the reply is empty). A websocket upgrade opens a stream to the endpoint
 * instead ({@link StreamBridge}).
 *
 * <p>Fast path: when the service was selected a moment ago ({@link WarmSelector}) and the chosen
 * node speaks mucp, the call is one mucp request over a kept-alive connection on the event loop of
 * the client's connection ({@link HttpProxy#exchange}): no thread hand-off at all. A node that
 * cannot be reached is marked failed and the call goes the general way, through the client, with
 * its retries.
 */
final class RpcHandler implements HttpHandler {
  private static final int MAX_REPLY = 16 << 20;
  private final Backend backend;
  private final Resolver resolver;
  private final HttpProxy proxy;
  private final CallOptions options;
  private final AtomicLong ids = new AtomicLong();

  RpcHandler(Backend backend, Resolver resolver, HttpProxy proxy) {
    this.backend = backend;
    this.resolver = resolver;
    this.proxy = proxy;
    this.options = CallOptions.DEFAULT.withTimeout(backend.timeout());
  }

  @Override
  public CompletionStage<HttpResponse> handle(HttpRequest req) {
    Resolver.Target t;
    byte[] payload;
    String ct = req.contentType();
    boolean proto = Payloads.isProto(ct);
    try {
      t = resolver.resolve(req);
      payload = proto ? req.body() : Payloads.json(req);
    } catch (MicroException e) {
      return CompletableFuture.completedFuture(HttpResponse.error(e));
    }
    if (req.isWebSocketUpgrade()) {
      byte[] initial = req.query().isEmpty() ? new byte[0] : payload;
      return CompletableFuture.completedFuture(HttpResponse.webSocket(
          new StreamBridge(backend, t.service(), t.endpoint(), Backend.metadata(req), initial), "binary"));
    }
    String wire = proto ? "application/protobuf" : "application/json";
    String answerType = ct.isEmpty() || ct.equals("application/json-rpc") ? "application/json" : ct;
    if (backend.selector() instanceof WarmSelector w && w.isWarm(t.service())) {
      Node node;
      try {
        node = w.select(t.service(), SelectOptions.DEFAULT).get();
      } catch (RuntimeException e) {
        node = null;
      }
      if (node != null && "mucp".equals(node.metadata().get("protocol"))) {
        return fast(req, t, node, w, payload, wire, answerType);
      }
    }
    return slow(req, t, payload, wire, answerType);
  }

  private CompletionStage<HttpResponse> slow(HttpRequest req, Resolver.Target t, byte[] payload, String wire,
      String answerType) {
    Request call = new Request(t.service(), t.endpoint(), payload, wire, Backend.metadata(req));
    return backend.call(t.service(), () -> backend.client().callAsync(call, byte[].class, options))
        .handle((reply, err) -> err != null ? backend.failure(err, t.service(), req) : answer(reply, answerType));
  }

  private CompletionStage<HttpResponse> fast(HttpRequest req, Resolver.Target t, Node node, WarmSelector w,
      byte[] payload, String wire, String answerType) {
    HttpHeaders h = new DefaultHttpHeaders();
    Backend.metadata(req).asMap().forEach(h::set);
    h.remove("Accept-Encoding");
    h.set("Host", node.address());
    h.set("Content-Type", wire);
    h.set("Accept", wire);
    h.set("Timeout", Long.toString(backend.timeout().toNanos()));
    h.set("Micro-Id", Long.toString(ids.incrementAndGet()));
    h.set("Micro-Service", t.service());
    h.set("Micro-Endpoint", t.endpoint());
    h.set("Micro-Method", t.endpoint());
    return proxy.exchange(req, node.address(), "POST", "/", h, payload, backend.timeout(), MAX_REPLY)
        .handle((ans, err) -> {
          if (err != null) {
            MicroException e = err instanceof MicroException me ? me : MicroException.from(Backend.ID, err);
            w.mark(t.service(), node, e);
            if (e.code() == 503) {
              return null; // unreachable node: the general path retries elsewhere
            }
            return HttpResponse.error(e.code() == 504
                ? MicroException.of(Backend.ID, 504, "service " + t.service() + " did not answer within "
                    + backend.timeout().toMillis() + " ms")
                : e);
          }
          String error = ans.headers().get("Micro-Error");
          if (error == null) {
            error = ans.headers().get("X-Micro-Error");
          }
          if (error != null && !error.isEmpty()) {
            return backend.failure(MicroException.parse(error), t.service(), req);
          }
          String type = ans.headers().get("Content-Type");
          if (ans.status() != 200 || (type != null && type.startsWith("text/"))) {
            return backend.failure(MicroException.parse(new String(ans.body(), StandardCharsets.UTF_8)),
                t.service(), req);
          }
          return answer(ans.body(), answerType);
        })
        .thenCompose(r -> r != null ? CompletableFuture.completedFuture(r) : slow(req, t, payload, wire, answerType));
  }

  private static HttpResponse answer(byte[] reply, String answerType) {
    return reply.length == 0 ? HttpResponse.empty(204) : HttpResponse.of(200, answerType, reply);
  }
}
