package io.micro.toolkit.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micro.broker.Broker;
import io.micro.broker.Event;
import io.micro.errors.MicroException;
import io.micro.metadata.Metadata;
import io.micro.toolkit.http.HttpHandler;
import io.micro.toolkit.http.HttpRequest;
import io.micro.toolkit.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The {@code event} handler: publishes micro's {@code api.Event} ({@code name, id, timestamp,
 * header, data}) as JSON on the topic {@code <namespace>.<first segment>} (see {@link
 * Routes#event}); {@code data} is the JSON of the query for GET, else the body as text. Answers
 * 200 with no body once the broker accepted it, 500 when it did not.
 */
final class EventHandler implements HttpHandler {
  private final Backend backend;
  private final Supplier<Broker> broker;

  EventHandler(Backend backend, Supplier<Broker> broker) {
    this.backend = backend;
    this.broker = broker;
  }

  @Override
  public CompletionStage<HttpResponse> handle(HttpRequest req) {
    String[] route = Routes.event(req.path());
    if (route == null) {
      return CompletableFuture.completedFuture(HttpResponse.error(MicroException.notFound(Backend.ID,
          "no topic for path %s ('%s' is not a plain word)", req.path(), Routes.badSegment(req.path()))));
    }
    String topic = Routes.qualify(backend.namespace(), route[0]);
    String name = route[1];
    String id = topic + "-" + name + "-" + UUID.randomUUID();
    ObjectNode ev = Payloads.JSON.createObjectNode();
    ev.put("name", name);
    ev.put("id", id);
    ev.put("timestamp", Instant.now().getEpochSecond());
    ObjectNode header = ev.putObject("header");
    for (Map.Entry<String, String> e : req.headers()) {
      String key = Metadata.canonical(e.getKey());
      ObjectNode pair = header.has(key) ? (ObjectNode) header.get(key) : header.putObject(key).put("key", key);
      pair.withArray("values").add(e.getValue());
    }
    if (req.method().equals("GET")) {
      ObjectNode q = Payloads.JSON.createObjectNode();
      req.query().forEach((k, v) -> {
        var a = q.putArray(k);
        v.forEach(a::add);
      });
      ev.put("data", new String(Payloads.bytes(q), StandardCharsets.UTF_8));
    } else {
      ev.put("data", new String(req.body(), StandardCharsets.UTF_8));
    }
    Event event = Event.of(Map.of(Event.CONTENT_TYPE, "application/json", Event.TOPIC, topic, Event.ID, id),
        Payloads.bytes(ev));
    return backend.offLoop(() -> broker.get().publishAsync(topic, event))
        .handle((ok, err) -> err == null ? HttpResponse.empty(200)
            : HttpResponse.error(MicroException.internalServerError(Backend.ID, "publishing to %s failed: %s",
                topic, backend.translate(err, topic, req).detail())));
  }
}
