package io.micro.toolkit.api;

import io.micro.client.Client;
import io.micro.errors.MicroException;
import io.micro.metadata.Metadata;
import io.micro.selector.Selector;
import io.micro.toolkit.http.HttpRequest;
import io.micro.toolkit.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * What the gateway's handlers share: the client and selector, the executor for work that may block
 * (node selection can ask the registry), the call timeout, and the translation of failures into
 * HTTP answers.
 *
 * @param client calls services
 * @param selector picks nodes for the proxying handlers
 * @param executor runs what may block, off the event loop
 * @param namespace e.g. {@code go.micro.api}
 * @param timeout the deadline of one call through the gateway
 */
record Backend(Client client, Selector selector, Executor executor, String namespace, Duration timeout) {
  static final String ID = "go.micro.api";

  /** Headers that are not passed on as call metadata (hop-by-hop, framing, mucp routing). */
  private static final Set<String> NOT_METADATA = Set.of("connection", "keep-alive", "proxy-connection",
      "transfer-encoding", "te", "trailer", "upgrade", "content-length", "content-type", "expect",
      "timeout", "micro-service", "micro-endpoint", "micro-method", "micro-id", "micro-stream", "micro-error",
      "micro-topic", "x-micro-service", "x-micro-endpoint", "x-micro-method", "x-micro-id", "x-micro-stream",
      "x-micro-error", "x-micro-topic", "sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions");

  /** Whether the request header named {@code lowerCaseName} is passed on as call metadata. */
  static boolean isMetadata(String lowerCaseName) {
    return !NOT_METADATA.contains(lowerCaseName);
  }

  /** The request's headers as call metadata (values of a repeated header joined with {@code ,}). */
  static Metadata metadata(HttpRequest req) {
    Map<String, String> m = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : req.headers()) {
      String key = e.getKey();
      if (!isMetadata(key.toLowerCase(Locale.ROOT))) {
        continue;
      }
      m.merge(Metadata.canonical(key), e.getValue(), (a, b) -> a + "," + b);
    }
    return Metadata.of(m);
  }

  /**
   * Runs {@code work}, which selects a node of {@code service}: right here when that selection
   * is answered from memory ({@link WarmSelector}), else on the executor.
   */
  <T> CompletionStage<T> call(String service, Supplier<? extends CompletionStage<T>> work) {
    if (selector instanceof WarmSelector w && w.isWarm(service)) {
      try {
        return work.get();
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    return offLoop(work);
  }

  /** Runs {@code work} on the executor; a full executor answers 503. */
  <T> CompletionStage<T> offLoop(Supplier<? extends CompletionStage<T>> work) {
    try {
      return CompletableFuture.supplyAsync(work, executor).thenCompose(s -> s);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(MicroException.of(ID, 503, "gateway busy: too many requests in flight"));
    }
  }

  /**
   * The HTTP answer for a failed call to {@code service}: the service's own error as it is (status
   * = its code); the client's errors translated: service unknown 404, no node or connection
   * refused 503, deadline passed 504; text that is no error JSON 500 {@code error during request}.
   */
  HttpResponse failure(Throwable t, String service, HttpRequest req) {
    return HttpResponse.error(translate(t, service, req));
  }

  MicroException translate(Throwable t, String service, HttpRequest req) {
    Throwable c = t;
    while (c instanceof CompletionException && c.getCause() != null) {
      c = c.getCause();
    }
    if (!(c instanceof MicroException e)) {
      return MicroException.internalServerError(ID, "error during request: %s", String.valueOf(c.getMessage()));
    }
    if ("go.micro.client".equals(e.id())) {
      String d = e.detail();
      if (d.endsWith(": not found") && d.startsWith("service ")) {
        return MicroException.notFound(ID, "service %s not found (path %s)", service, req.path());
      }
      if (d.contains("none available") || d.startsWith("connection error: ")) {
        return MicroException.of(ID, 503, "service " + service + " unavailable: " + d);
      }
      if (e.code() == 408) {
        return MicroException.of(ID, 504, "service " + service + " did not answer within " + timeout.toMillis() + " ms");
      }
    }
    if (e.code() == 0) {
      return MicroException.internalServerError(ID, "error during request: %s", e.detail());
    }
    return e;
  }
}
