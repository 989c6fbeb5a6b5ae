package io.micro.toolkit.api;

import io.micro.client.CallOptions;
import io.micro.client.Request;
import io.micro.errors.MicroException;
import io.micro.toolkit.http.HttpHandler;
import io.micro.toolkit.http.HttpRequest;
import io.micro.toolkit.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The {@code rpc} handler: resolves the path to a service and endpoint, calls it with the JSON (or
 * protobuf) payload built from the request, and answers the reply with the request's content type
 * (200, or 204 when the reply is empty). A websocket upgrade opens a stream to the endpoint
 * instead ({@link StreamBridge}).
 */
final class RpcHandler implements HttpHandler {
  private final Backend backend;
  private final Resolver resolver;
  private final CallOptions options;

  RpcHandler(Backend backend, Resolver resolver) {
    this.backend = backend;
    this.resolver = resolver;
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
    Request call = new Request(t.service(), t.endpoint(), payload, wire, Backend.metadata(req));
    return backend.call(t.service(), () -> backend.client().callAsync(call, byte[].class, options))
        .handle((reply, err) -> err != null ? backend.failure(err, t.service(), req)
            : reply.length == 0 ? HttpResponse.empty(204) : HttpResponse.of(200, answerType, reply));
  }
}
