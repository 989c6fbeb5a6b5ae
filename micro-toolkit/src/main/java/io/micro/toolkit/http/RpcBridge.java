package io.micro.toolkit.http;

import io.micro.client.CallOptions;
import io.micro.client.Client;
import io.micro.client.Request;
import io.micro.errors.MicroException;
import io.micro.metadata.Metadata;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * micro's {@code POST /rpc}, shared by the API gateway, the sidecar and the web dashboard: calls
 * {@code service}'s {@code endpoint} (alias {@code method}) with the JSON {@code request} and
 * answers the service's JSON reply as it came.
 *
 * <pre>{@code
 * server.route("/rpc", RpcBridge.builder(client, executor).maxTimeout(Duration.ofSeconds(60)).build());
 * }</pre>
 *
 * <p>The body is JSON ({@code application/json} or {@code *+json}): {@code {"service", "endpoint" |
 * "method", "request" (a JSON value, or JSON text in a string), "address"? (host:port, several
 * comma-separated: skips discovery), "timeout"? (seconds or a Go duration), "metadata"? (an object
 * of at most 32 strings)}}; or a urlencoded form (also when there is no {@code Content-Type}) with
 * the same fields but {@code metadata}. Other content types are 415.
 *
 * <p>Request headers travel as call metadata (but connection, framing and CORS headers), with the
 * {@code metadata} field over them. The call's deadline is the {@code timeout} field, else a {@code
 * Timeout} header (same syntax), else the default timeout, each capped at the maximum. The reply
 * carries {@code X-Micro-Call-Duration} (milliseconds, around the call).
 *
 * <p>Errors are go-micro's error JSON with the HTTP status equal to the code and, for the bridge's
 * own, the configured id ({@code go.micro.rpc}): 400 naming what is wrong, 405 for any method but
 * POST, 404 {@code service NAME: not found} when discovery knows no such service, 503 when no node
 * answers or the executor is full, the client's 408 on timeout, the service's own error otherwise
 * (500 {@code error during request: ...} when it has no code).
 */
public final class RpcBridge implements HttpHandler {

  /** micro's error id for {@code /rpc}. */
  public static final String ERROR_ID = "go.micro.rpc";

  private static final Set<String> NOT_FORWARDED = Set.of("host", "content-length", "content-type",
      "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer",
      "expect", "accept", "accept-encoding", "origin", "referer", "timeout",
      "access-control-request-method", "access-control-request-headers",
      "micro-service", "micro-endpoint", "micro-method", "micro-id", "micro-stream", "micro-error",
      "micro-topic", "x-micro-service", "x-micro-endpoint", "x-micro-method", "x-micro-id",
      "x-micro-stream", "x-micro-error", "x-micro-topic", "sec-websocket-key", "sec-websocket-version",
      "sec-websocket-extensions");

  private final Client client;
  private final Executor executor;
  private final String id;
  private final @Nullable Duration defaultTimeout;
  private final @Nullable Duration maxTimeout;
  private final Predicate<String> inline;

  private RpcBridge(Builder b) {
    this.client = b.client;
    this.executor = b.executor;
    this.id = b.errorId;
    this.defaultTimeout = b.defaultTimeout;
    this.maxTimeout = b.maxTimeout;
    this.inline = b.inline;
  }

  /**
   * A builder for a bridge calling with {@code client}; {@code executor} runs the call's set-up
   * (node selection may ask the registry) off the event loop.
   */
  public static Builder builder(Client client, Executor executor) {
    return new Builder(client, executor);
  }

  @Override
  public CompletionStage<HttpResponse> handle(HttpRequest x) {
    if (!x.method().equals("POST")) {
      return done(HttpResponse.error(MicroException.methodNotAllowed(id, "%s %s (expected: POST)",
          x.method(), x.path())));
    }
    RpcCall call;
    CallOptions options;
    try {
      call = RpcCall.parse(id, x.contentType(), x.body());
      options = options(x, call);
    } catch (MicroException e) {
      return done(HttpResponse.error(e));
    }
    Request request = Request.json(call.service(), call.method(), call.request());
    long start = System.nanoTime();
    CompletionStage<byte[]> reply;
    if (call.addresses().isEmpty() && inline.test(call.service())) {
      try {
        reply = client.callAsync(request, byte[].class, options);
      } catch (RuntimeException e) {
        reply = CompletableFuture.failedFuture(e);
      }
    } else {
      try {
        reply = CompletableFuture.supplyAsync(() -> client.callAsync(request, byte[].class, options), executor)
            .thenCompose(f -> f);
      } catch (RejectedExecutionException e) {
        reply = CompletableFuture.failedFuture(MicroException.of(id, 503,
            "busy: too many calls in progress, try again", "Service Unavailable"));
      }
    }
    return reply.handle((body, t) -> {
      if (t != null) {
        return HttpResponse.error(error(call.service(), t));
      }
      double ms = (System.nanoTime() - start) / 1_000_000.0;
      return HttpResponse.json(200, body == null || body.length == 0 ? new byte[] {'{', '}'} : body)
          .withHeader("X-Micro-Call-Duration", String.format(Locale.ROOT, "%.3f", ms));
    });
  }

  private CallOptions options(HttpRequest x, RpcCall call) {
    Map<String, String> md = new LinkedHashMap<>();
    for (Map.Entry<String, String> h : x.headers()) {
      String key = h.getKey();
      if (!NOT_FORWARDED.contains(key.toLowerCase(Locale.ROOT))) {
        md.merge(Metadata.canonical(key), h.getValue(), (a, b) -> a + "," + b);
      }
    }
    call.metadata().forEach((k, v) -> md.put(Metadata.canonical(k), v));
    CallOptions o = CallOptions.DEFAULT.withMetadata(Metadata.of(md));
    Duration timeout = call.timeout();
    if (timeout == null) {
      timeout = RpcCall.timeout(id, x.header("Timeout"));
    }
    if (timeout == null) {
      timeout = defaultTimeout;
    }
    if (maxTimeout != null && (timeout == null || timeout.compareTo(maxTimeout) > 0)) {
      timeout = maxTimeout;
    }
    if (timeout != null) {
      o = o.withTimeout(timeout);
    }
    if (!call.addresses().isEmpty()) {
      o = o.withAddress(call.addresses().toArray(String[]::new));
    }
    return o;
  }

  /**
   * The error to answer for a failed call to {@code service}: the client's "not found" becomes 404
   * and "none available" or a connection error 503, under the bridge's id; an error without a code
   * becomes 500 {@code error during request}; any other keeps its id and code.
   */
  MicroException error(String service, Throwable t) {
    Throwable cause = t;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    MicroException e = MicroException.from(id, cause);
    if ("go.micro.client".equals(e.id())) {
      String d = e.detail();
      if (d.equals("service " + service + ": not found")) {
        return MicroException.notFound(id, "service %s: not found", service);
      }
      if (d.contains("none available") || d.startsWith("connection error: ")) {
        return MicroException.of(id, 503, "service " + service + " unavailable: " + d, "Service Unavailable");
      }
    }
    if (e.code() == 0) {
      return MicroException.internalServerError(id, "error during request: %s", e.detail());
    }
    return e;
  }

  private static CompletionStage<HttpResponse> done(HttpResponse r) {
    return CompletableFuture.completedFuture(r);
  }

  /** Options of a {@link RpcBridge}; every one has a default. */
  public static final class Builder {
    private final Client client;
    private final Executor executor;
    private String errorId = ERROR_ID;
    private @Nullable Duration defaultTimeout;
    private @Nullable Duration maxTimeout;
    private Predicate<String> inline = service -> false;

    private Builder(Client client, Executor executor) {
      this.client = Objects.requireNonNull(client, "client");
      this.executor = Objects.requireNonNull(executor, "executor");
    }

    /** The id of the bridge's own errors; default {@code go.micro.rpc}. */
    public Builder errorId(String id) {
      if (id.isBlank()) {
        throw new IllegalArgumentException("errorId: blank (expected: e.g. go.micro.rpc)");
      }
      this.errorId = id;
      return this;
    }

    /** The deadline of a call that names none; default null: the client's own. */
    public Builder defaultTimeout(@Nullable Duration timeout) {
      this.defaultTimeout = positive("defaultTimeout", timeout);
      return this;
    }

    /** The longest deadline a call may have (also caps the client's own); default null: no cap. */
    public Builder maxTimeout(@Nullable Duration timeout) {
      this.maxTimeout = positive("maxTimeout", timeout);
      return this;
    }

    /**
     * Services whose node selection never blocks (answered from memory), so their calls are set
     * up on the event loop instead of the executor; default none.
     */
    public Builder inline(Predicate<String> services) {
      this.inline = Objects.requireNonNull(services, "services");
      return this;
    }

    /** The bridge. */
    public RpcBridge build() {
      return new RpcBridge(this);
    }

    private static @Nullable Duration positive(String what, @Nullable Duration d) {
      if (d != null && (d.isNegative() || d.isZero())) {
        throw new IllegalArgumentException(what + ": " + d + " (expected: > 0, or null)");
      }
      return d;
    }
  }
}
