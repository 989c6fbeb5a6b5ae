package io.micro.toolkit.api;

import io.micro.broker.Broker;
import io.micro.client.Client;
import io.micro.selector.Selector;
import io.micro.toolkit.http.Cors;
import io.micro.toolkit.http.HttpHandler;
import io.micro.toolkit.http.HttpProxy;
import io.micro.toolkit.http.HttpResponse;
import io.micro.toolkit.http.HttpServer;
import io.micro.toolkit.http.HttpStats;
import io.micro.toolkit.http.RpcBridge;
import io.micro.toolkit.http.Tls;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Micro's API gateway: an {@link HttpServer} whose every path (except {@code /rpc} and {@code
 * /stats} when enabled) goes to one handler:
 *
 * <ul>
 *   <li>{@code rpc} (default; {@code meta} is accepted as an alias): the path names service and
 *       endpoint ({@code /greeter/say/hello} → {@code go.micro.api.greeter} {@code Say.Hello}),
 *       the JSON, form or protobuf request is the call's payload, the reply the answer.
 *   <li>{@code api}: the endpoint receives micro's {@code api.Request} and returns an {@code
 *       api.Response}.
 *   <li>{@code http} / {@code proxy} / {@code web}: reverse proxy to a node of {@code
 *       <namespace>.<first segment>}, path unchanged, websockets included.
 *   <li>{@code event}: the request is published as an {@code api.Event} on {@code
 *       <namespace>.<first segment>}.
 * </ul>
 *
 * <p>{@code GET /} answers {@code {"version": ...}} (except with the {@code event} handler).
 * Failures are go-micro error JSON with the error's code as status: unknown service 404, no node
 * or backend down 503, no answer within the timeout 504, oversize body 413, malformed JSON 400.
 */
public final class ApiGateway implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ApiGateway.class);
  /** The handler names {@link Builder#handler} accepts. */
  public static final List<String> HANDLERS = List.of("rpc", "meta", "api", "http", "proxy", "web", "event");

  private final HttpServer server;
  private final HttpProxy proxy;
  private final @Nullable ExecutorService ownExecutor;
  private final WarmSelector warm;
  private final Client client;

  private ApiGateway(Builder b) {
    Objects.requireNonNull(b.selector, "selector");
    String handler = b.handler;
    this.ownExecutor = b.executor == null ? executor() : null;
    this.warm = new WarmSelector(b.selector, Duration.ofSeconds(5));
    // the gateway's callbacks never block, so replies complete on the transport's I/O threads:
    // one thread hand-off fewer per call (retries pick from the nodes selected at the start)
    this.client = (b.client != null ? b.client : Client.builder()).selector(warm).executor(Runnable::run).build();
    Backend backend = new Backend(client, warm, b.executor != null ? b.executor : ownExecutor,
        b.namespace, b.timeout);
    this.proxy = HttpProxy.builder().errorId(Backend.ID).responseTimeout(b.timeout).build();
    Resolver resolver = b.resolverInstance != null ? b.resolverInstance
        : Resolver.named(b.resolver, handler.equals("meta") ? "rpc" : handler, b.namespace);
    HttpHandler main = switch (handler) {
      case "rpc", "meta" -> new RpcHandler(backend, resolver, proxy);
      case "api" -> new ApiHandler(backend, resolver);
      case "http", "proxy", "web" -> new ProxyHandler(backend, resolver, proxy);
      case "event" -> new EventHandler(backend, Objects.requireNonNull(b.broker, "broker (for the event handler)"));
      default -> throw new IllegalStateException(handler);
    };
    byte[] version = ("{\"version\":\"" + version() + "\"}").getBytes(StandardCharsets.UTF_8);
    HttpHandler root = handler.equals("event") ? main : req -> req.path().equals("/") && req.method().equals("GET")
        ? java.util.concurrent.CompletableFuture.completedFuture(HttpResponse.json(200, version))
        : main.handle(req);
    HttpServer.Builder sb = HttpServer.builder()
        .name("micro-api")
        .address(b.address)
        .errorId(Backend.ID)
        .cors(b.cors)
        .tls(b.tls)
        .accessLog(b.accessLog)
        .maxBodySize(b.maxBodySize)
        .handlerTimeout(b.timeout.plusSeconds(1))
        .route("/", root)
        .route("/favicon.ico", HttpHandler.sync(req -> HttpResponse.empty(200)));
    LOG.info("Registering {} Handler at /", handler.toUpperCase(Locale.ROOT));
    if (b.enableRpc) {
      sb.route("/rpc", RpcBridge.builder(backend.client(), backend.executor())
          .defaultTimeout(backend.timeout()).maxTimeout(backend.timeout())
          .inline(service -> backend.selector() instanceof WarmSelector w && w.isWarm(service))
          .build());
      LOG.info("Registering RPC Handler at /rpc");
    }
    if (b.enableStats) {
      HttpStats stats = HttpStats.create();
      sb.onResponse(stats).route("/stats", stats.handler());
      LOG.info("Registering Stats Handler at /stats");
    }
    this.server = sb.build();
  }

  /** A builder; {@link Builder#selector} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts listening.
   *
   * @throws IllegalStateException naming the address when it cannot be bound
   */
  public ApiGateway start() {
    server.start();
    LOG.info("Listening on {}", server.hostPort());
    return this;
  }

  /** The bound {@code host:port}. */
  public String hostPort() {
    return server.hostPort();
  }

  /** {@code http://host:port} (or https). */
  public String url() {
    return server.url();
  }

  /** Stops listening, closes connections and the gateway's executor. */
  @Override
  public void close() {
    server.close();
    proxy.close();
    client.close();
    warm.close();
    if (ownExecutor != null) {
      ownExecutor.shutdownNow();
    }
  }

  private static String version() {
    String v = ApiGateway.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /**
   * Virtual threads on Java 21+, else a bounded pool for the blocking calls of the slow path: calls
   * block on their backend, so they must not queue behind a few threads. Below 256 threads every
   * call starts one (ThreadPoolExecutor's core rule, even when others are idle); a thread idle for
   * 30 s ends; past 256 calls queue (4096 at most).
   */
  static ExecutorService executor() {
    try {
      return (ExecutorService) MethodHandles.publicLookup().findStatic(java.util.concurrent.Executors.class,
          "newVirtualThreadPerTaskExecutor", MethodType.methodType(ExecutorService.class)).invoke();
    } catch (Throwable notJava21) {
      ThreadPoolExecutor pool = new ThreadPoolExecutor(256, 256, 30, TimeUnit.SECONDS,
          new ArrayBlockingQueue<>(4096), new io.netty.util.concurrent.DefaultThreadFactory("micro-api-call", true));
      pool.allowCoreThreadTimeOut(true);
      LOG.debug("gateway pool of up to 256 threads");
      return pool;
    }
  }

  /** Settings of an {@link ApiGateway}. Not thread-safe. */
  public static final class Builder {
    String address = "127.0.0.1:8080";
    String namespace = "go.micro.api";
    String handler = "rpc";
    String resolver = "micro";
    @Nullable Resolver resolverInstance;
    boolean enableRpc;
    boolean enableStats;
    boolean accessLog = true;
    Cors cors = Cors.allowAll();
    @Nullable Tls tls;
    Duration timeout = Duration.ofSeconds(30);
    int maxBodySize = 4 << 20;
    Client.@Nullable Builder client;
    @Nullable Selector selector;
    @Nullable Supplier<Broker> broker;
    java.util.concurrent.@Nullable Executor executor;

    private Builder() {}

    /** {@code --api_address}, default {@code 127.0.0.1:8080}. */
    public Builder address(String hostPort) {
      this.address = Objects.requireNonNull(hostPort, "address");
      return this;
    }

    /**
     * {@code --api_namespace}, default {@code go.micro.api}; a dotted name of plain words, or empty.
     */
    public Builder namespace(String ns) {
      if (!ns.isEmpty() && !ns.matches("^[a-zA-Z0-9_-]+(\\.[a-zA-Z0-9_-]+)*$")) {
        throw new IllegalArgumentException("namespace: '" + ns + "' (expected: a dotted name such as go.micro.api)");
      }
      this.namespace = ns;
      return this;
    }

    /** {@code --api_handler}: one of {@link #HANDLERS}; default {@code rpc}. */
    public Builder handler(String name) {
      String n = name == null || name.isBlank() ? "rpc" : name.strip().toLowerCase(Locale.ROOT);
      if (!HANDLERS.contains(n)) {
        throw new IllegalArgumentException("handler: '" + name + "' (expected one of: " + String.join(", ", HANDLERS) + ")");
      }
      this.handler = n;
      return this;
    }

    /** {@code --api_resolver}: one of {@value Resolver#NAMES}; default {@code micro}. */
    public Builder resolver(String name) {
      Resolver.named(name, "rpc", "x");
      this.resolver = name;
      return this;
    }

    /** A resolver of one's own, instead of a named one. */
    public Builder resolver(Resolver r) {
      this.resolverInstance = Objects.requireNonNull(r, "resolver");
      return this;
    }

    /** {@code --enable_rpc}: serve {@code /rpc} (default off: it calls any service by name). */
    public Builder enableRpc(boolean on) {
      this.enableRpc = on;
      return this;
    }

    /** {@code --enable_stats}: serve {@code /stats}. */
    public Builder enableStats(boolean on) {
      this.enableStats = on;
      return this;
    }

    /** Whether to write the access log (default true). */
    public Builder accessLog(boolean on) {
      this.accessLog = on;
      return this;
    }

    /** {@code --api_cors} (default any origin). */
    public Builder cors(Cors cors) {
      this.cors = Objects.requireNonNull(cors, "cors");
      return this;
    }

    /** HTTPS with {@code tls}; null for plain HTTP. */
    public Builder tls(@Nullable Tls tls) {
      this.tls = tls;
      return this;
    }

    /** The deadline of one call or proxied request (default 30 s); then 504. */
    public Builder timeout(Duration t) {
      if (t == null || t.isZero() || t.isNegative()) {
        throw new IllegalArgumentException("timeout: " + t + " (expected: > 0)");
      }
      this.timeout = t;
      return this;
    }

    /** The largest request body (default 4 MiB); larger is answered 413. */
    public Builder maxBodySize(int bytes) {
      this.maxBodySize = bytes;
      return this;
    }

    /**
     * How to build the client calls go through (retries, timeouts, transport, pool); the gateway
     * sets its selector and a direct executor (replies complete on the transport's I/O threads,
     * where the gateway's callbacks only hand the answer to the connection), builds it and closes
     * it. Default: {@link Client#builder()}.
     */
    public Builder client(Client.Builder c) {
      this.client = Objects.requireNonNull(c, "client");
      return this;
    }

    /** Where nodes come from (required). Not closed by the gateway. */
    public Builder selector(Selector s) {
      this.selector = Objects.requireNonNull(s, "selector");
      return this;
    }

    /** Where the {@code event} handler publishes; asked for on first use. Not closed by the gateway. */
    public Builder broker(Supplier<Broker> b) {
      this.broker = Objects.requireNonNull(b, "broker");
      return this;
    }

    /** Where calls are started (node selection may block); default virtual threads or a bounded pool. */
    public Builder executor(java.util.concurrent.Executor e) {
      this.executor = Objects.requireNonNull(e, "executor");
      return this;
    }

    /** A new gateway (not started). */
    public ApiGateway build() {
      return new ApiGateway(this);
    }
  }
}
