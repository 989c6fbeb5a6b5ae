package io.micro.toolkit.sidecar;

import io.micro.broker.Broker;
import io.micro.errors.MicroException;
import io.micro.toolkit.http.HttpHandler;
import io.micro.toolkit.http.HttpRequest;
import io.micro.toolkit.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /broker?topic=T[&queue=Q]} as a websocket: every text or binary message the client
 * sends is published on {@code T}; every event of the subscription (one member of queue group
 * {@code Q} when given) is pushed to the client as go-micro's broker message JSON
 * ({@code {"Header":{...},"Body":"<base64>"}}), in a text frame.
 *
 * <p>Refused with 405 for a method other than GET, 400 without a topic or without an upgrade,
 * 503 when the sidecar has no broker. Messages over the server's websocket limit close the socket
 * with 1009 (done by the HTTP server).
 */
final class BrokerBridge implements HttpHandler {
  private final @Nullable Broker broker;
  private final Executor executor;

  BrokerBridge(@Nullable Broker broker, Executor executor) {
    this.broker = broker;
    this.executor = executor;
  }

  @Override
  public CompletableFuture<HttpResponse> handle(HttpRequest req) {
    return CompletableFuture.completedFuture(answer(req));
  }

  private HttpResponse answer(HttpRequest req) {
    String topic = req.queryParam("topic");
    String queue = req.queryParam("queue");
    if (!req.method().equals("GET")) {
      return HttpResponse.error(MicroException.methodNotAllowed(Work.ERROR_ID,
          "%s /broker (expected: GET with a websocket upgrade)", req.method()));
    }
    if (topic == null || topic.isBlank()) {
      return HttpResponse.error(MicroException.badRequest(Work.ERROR_ID,
          "missing query parameter topic (expected: /broker?topic=NAME[&queue=GROUP])"));
    }
    if (!req.isWebSocketUpgrade()) {
      return HttpResponse.error(MicroException.badRequest(Work.ERROR_ID,
          "/broker needs a websocket upgrade (expected headers Connection: Upgrade, Upgrade: websocket)"));
    }
    Broker b = broker;
    if (b == null) {
      return HttpResponse.error(MicroException.of(Work.ERROR_ID, 503, "this sidecar has no broker"));
    }
    return HttpResponse.webSocket(new BrokerSocket(b, topic.strip(),
        queue == null || queue.isBlank() ? null : queue.strip(), executor));
  }
}
