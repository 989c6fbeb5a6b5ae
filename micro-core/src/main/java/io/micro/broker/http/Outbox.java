package io.micro.broker.http;

import io.micro.broker.Event;
import io.micro.broker.spi.GoMicroMessage;
import io.micro.errors.MicroException;
import io.micro.registry.Node;
import io.micro.registry.Service;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The publishing side of the HTTP broker: finds the subscriber nodes of a topic in the registry,
 * POSTs the encoded message to every broadcast node and to one random node of each queue group,
 * retries failed deliveries with backoff (a queue group on another member), and reports what still
 * fails. At most {@code maxPending} events are being delivered at once; a publish waits up to the
 * publish timeout for room, then fails with 503. Thread-safe.
 */
final class Outbox implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

  private final SubscriberCache cache;
  private final HttpClient http;
  private final ExecutorService httpExecutor;
  private final ScheduledExecutorService timer;
  private final Semaphore pending;
  private final int maxPending;
  private final Duration publishTimeout;
  private final Duration deliveryTimeout;
  private final int maxAttempts;
  private final Consumer<DeliveryFailure> onFailure;
  private final AtomicLong failures = new AtomicLong();

  Outbox(SubscriberCache cache, ExecutorService httpExecutor, ScheduledExecutorService timer,
      int maxPending, Duration publishTimeout, Duration deliveryTimeout, int maxAttempts,
      Consumer<DeliveryFailure> onFailure) {
    this.cache = cache;
    this.httpExecutor = httpExecutor;
    this.timer = timer;
    this.maxPending = maxPending;
    this.pending = new Semaphore(maxPending);
    this.publishTimeout = publishTimeout;
    this.deliveryTimeout = deliveryTimeout;
    this.maxAttempts = maxAttempts;
    this.onFailure = onFailure;
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .executor(httpExecutor)
        .build();
  }

  long failures() {
    return failures.get();
  }

  /**
   * Starts delivering {@code event} on {@code topic}; the future completes when every target
   * answered 2xx (immediately when there is no subscriber), or fails with the first final failure.
   */
  CompletableFuture<Void> publish(String topic, Event event) {
    Map<String, String> headers = new LinkedHashMap<>(event.headers());
    headers.put(Event.TOPIC, topic);
    byte[] wire = GoMicroMessage.encode(new Event(headers, event.body()));
    List<Target> targets = targets(topic);
    if (targets.isEmpty()) {
      LOG.debug("broker http: no subscriber of topic {} for event {}", topic, event.id());
      return CompletableFuture.completedFuture(null);
    }
    try {
      if (!pending.tryAcquire(publishTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
        throw MicroException.of(BrokerServer.ERROR_ID, 503, "broker http: " + maxPending
            + " events waiting for delivery after " + publishTimeout.toMillis()
            + " ms (expected: fewer; subscribers are slow or unreachable)");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw MicroException.of(BrokerServer.ERROR_ID, 503, "broker http: interrupted publishing on " + topic);
    }
    List<CompletableFuture<Void>> all = new ArrayList<>(targets.size());
    for (Target t : targets) {
      CompletableFuture<Void> done = new CompletableFuture<>();
      send(topic, event, wire, t, t.first(), 1, done);
      all.add(done);
    }
    CompletableFuture<Void> result = CompletableFuture.allOf(all.toArray(new CompletableFuture[0]));
    result.whenComplete((v, e) -> pending.release());
    return result;
  }

  /** One destination: every node of a broadcast, or a queue group's nodes to choose among. */
  private record Target(List<Node> nodes, boolean broadcast) {
    Node first() {
      return broadcast ? nodes.get(0) : nodes.get(ThreadLocalRandom.current().nextInt(nodes.size()));
    }
  }

  private List<Target> targets(String topic) {
    List<Target> out = new ArrayList<>();
    for (Service s : cache.services()) {
      List<Node> nodes = new ArrayList<>();
      for (Node n : s.nodes()) {
        if ("http".equals(n.metadata().get("broker")) && topic.equals(n.metadata().get("topic"))) {
          nodes.add(n);
        }
      }
      if (nodes.isEmpty()) {
        continue;
      }
      if (HttpBroker.BROADCAST.equals(s.version())) {
        for (Node n : nodes) {
          out.add(new Target(List.of(n), true));
        }
      } else {
        out.add(new Target(nodes, false));
      }
    }
    return out;
  }

  private void send(String topic, Event event, byte[] wire, Target target, Node node, int attempt,
      CompletableFuture<Void> done) {
    String scheme = "true".equals(node.metadata().get("secure")) ? "https" : "http";
    URI uri = URI.create(scheme + "://" + node.address() + "/?id="
        + URLEncoder.encode(node.id(), StandardCharsets.UTF_8));
    HttpRequest req = HttpRequest.newBuilder(uri)
        .timeout(deliveryTimeout)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(wire))
        .build();
    http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).whenComplete((rsp, err) -> {
      if (err == null && rsp.statusCode() / 100 == 2) {
        done.complete(null);
        return;
      }
      Throwable cause = err != null ? err : answer(rsp);
      boolean gone = err == null && rsp.statusCode() == 404;
      boolean retryable = err != null || rsp.statusCode() >= 500 || (gone && !target.broadcast());
      if (err != null || gone) {
        cache.invalidate();
      }
      if (gone && target.broadcast()) {
        // the subscriber left after the registry was read: nobody to deliver to
        LOG.debug("broker http: subscriber {} of topic {} is gone", node.id(), topic);
        done.complete(null);
        return;
      }
      if (retryable && attempt < maxAttempts) {
        Node next = target.broadcast() ? node : another(target, node);
        long delay = 100L << Math.min(attempt - 1, 6);
        timer.schedule(() -> send(topic, event, wire, target, next, attempt + 1, done),
            delay, TimeUnit.MILLISECONDS);
        return;
      }
      failures.incrementAndGet();
      DeliveryFailure f = new DeliveryFailure(topic, event, node.id(), node.address(), attempt, cause);
      try {
        onFailure.accept(f);
      } catch (RuntimeException e) {
        LOG.warn("broker http: delivery failure handler threw {}", e.toString());
      }
      done.completeExceptionally(MicroException.of(BrokerServer.ERROR_ID, 503,
          "broker http: event " + event.id() + " on topic " + topic + " not delivered to "
              + node.id() + " at " + node.address() + " after " + attempt + " attempts: "
              + describe(cause)).withCause(cause));
    });
  }

  private static Node another(Target t, Node failed) {
    if (t.nodes().size() < 2) {
      return failed;
    }
    Node n;
    do {
      n = t.nodes().get(ThreadLocalRandom.current().nextInt(t.nodes().size()));
    } while (n.id().equals(failed.id()));
    return n;
  }

  private static MicroException answer(HttpResponse<String> rsp) {
    try {
      MicroException e = MicroException.parse(rsp.body());
      if (e.code() != 0) {
        return e;
      }
    } catch (RuntimeException notJson) {
      // fall through
    }
    return MicroException.of(BrokerServer.ERROR_ID, rsp.statusCode(), "HTTP " + rsp.statusCode());
  }

  static String describe(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && (c.getMessage() == null || c instanceof java.util.concurrent.CompletionException)) {
      c = c.getCause();
    }
    return c.getMessage() != null ? c.getMessage() : c.getClass().getSimpleName();
  }

  /** Waits up to {@code grace} for deliveries in progress, then stops. */
  @Override
  public void close() {
    try {
      if (pending.tryAcquire(maxPending, 2, TimeUnit.SECONDS)) {
        pending.release(maxPending);
      } else {
        LOG.warn("broker http: closing with {} events still being delivered",
            maxPending - pending.availablePermits());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (http instanceof AutoCloseable c) { // Java 21+
      try {
        c.close();
      } catch (Exception ignored) {
        // closing anyway
      }
    }
  }
}
