package io.micro.toolkit.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micro.client.Client;
import io.micro.registry.Node;
import io.micro.registry.Registry;
import io.micro.registry.Service;
import io.micro.selector.Selector;
import io.micro.toolkit.http.Cors;
import io.micro.toolkit.http.HttpHandler;
import io.micro.toolkit.http.HttpProxy;
import io.micro.toolkit.http.HttpRequest;
import io.micro.toolkit.http.HttpResponse;
import io.micro.toolkit.http.HttpServer;
import io.micro.toolkit.http.HttpStats;
import io.micro.toolkit.http.RpcBridge;
import io.micro.toolkit.http.Tls;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * {@code micro web}: the dashboard and the reverse proxy on one HTTP/1.1 listener.
 *
 * <pre>{@code
 * try (WebServer web = WebServer.builder(registry, selector, client).address("127.0.0.1:0").build().start()) {
 *   System.out.println("dashboard at " + web.url());
 * }
 * }</pre>
 *
 * <p>Routes: {@code /} (web apps), {@code /registry} (every service; {@code ?service=NAME} its
 * details), {@code /call} (a call form; {@code /query} and {@code /client} are aliases), {@code
 * /cli} (an in-browser CLI), {@code /rpc} (JSON calls), {@code /stats} (when enabled), {@code
 * /assets/*}; every other {@code /NAME/...} is proxied to the web app {@code <namespace>.NAME}.
 * {@code /registry}, {@code /call} and {@code /stats} answer JSON when the request's {@code
 * Accept} (or, as micro, its {@code Content-Type}) is {@code application/json}.
 *
 * <p>It runs on the toolkit's {@link HttpServer} (bounded sizes and times, keep-alive, TLS, CORS,
 * access log) and {@link HttpProxy}. Its own bounds: registry reads and calls have timeouts, lists
 * are cut to {@code maxServices}, blocking work runs on a bounded pool and a full pool answers 503.
 *
 * <p>It does not close the registry, selector or client it was given.
 */
public final class WebServer implements AutoCloseable {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(WebServer.class);

  private final Builder b;
  private final ThreadPoolExecutor workers;
  private final Dashboard dashboard;
  private final RpcBridge rpc;
  private final HttpProxy httpProxy;
  private final WebProxy proxy;
  private final HttpStats stats = HttpStats.create();
  private @Nullable HttpServer http;
  private @Nullable Service registered;

  private WebServer(Builder b) {
    this.b = b;
    this.workers = new ThreadPoolExecutor(b.workers, b.workers, 30, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(b.workers * 16), new DefaultThreadFactory("micro-web", true));
    this.workers.allowCoreThreadTimeOut(true);
    ObjectMapper json = new ObjectMapper();
    Lookups lookups = new Lookups(b.registry, workers, b.registryTimeout, b.maxServices);
    this.rpc = RpcBridge.builder(b.client, workers).defaultTimeout(b.callTimeout)
        .maxTimeout(b.maxCallTimeout).build();
    this.dashboard = new Dashboard(lookups, new Pages(b.namespace, b.stats), json, stats, b.stats);
    this.httpProxy = HttpProxy.builder().connectTimeout(Duration.ofSeconds(5))
        .responseTimeout(b.proxyTimeout).errorId(Lookups.ID).build();
    this.proxy = new WebProxy(b.selector, b.namespace, workers, httpProxy);
  }

  /** A builder over the parts the dashboard reads from and calls with. */
  public static Builder builder(Registry registry, Selector selector, Client client) {
    return new Builder(registry, selector, client);
  }

  /**
   * Binds the listener and, when asked, registers itself with its address.
   *
   * @throws IllegalStateException when already started
   * @throws RuntimeException when the address cannot be bound, naming it
   */
  public synchronized WebServer start() {
    if (http != null) {
      throw new IllegalStateException("web: already started (expected: a new server)");
    }
    HttpServer server = HttpServer.builder().address(b.address).name("micro-web")
        .maxBodySize(b.maxBodyBytes).tls(b.tls).cors(b.cors).errorId(Lookups.ID)
        .handlerTimeout(b.maxCallTimeout.plusSeconds(5)).onResponse(stats)
        .route("/", this::route).build();
    server.start();
    http = server;
    if (b.register) {
      Service s = Service.of(b.serviceName, "latest").withNodes(List.of(new Node(
          b.serviceName + "-" + UUID.randomUUID(), server.hostPort(), Map.of("server", "http"))));
      try {
        b.registry.register(s, Duration.ZERO);
        registered = s;
      } catch (RuntimeException e) {
        LOG.warn("web: could not register {} in the {} registry: {}", b.serviceName, b.registry.name(),
            e.getMessage());
      }
    }
    return this;
  }

  private CompletionStage<HttpResponse> route(HttpRequest request) {
    String alias = WebProxy.aliasOf(request.path());
    try {
      if (alias != null) {
        return proxy.forward(request, alias);
      }
      if (request.path().equals("/rpc")) {
        return rpc.handle(request).thenApply(r -> r.withHeader("X-Content-Type-Options", "nosniff"));
      }
      return CompletableFuture.supplyAsync(() -> {
        Reply r = dashboard.handle(request.uri(), request.headers());
        HttpResponse rsp = HttpResponse.of(r.status(), r.contentType(), r.body());
        for (Map.Entry<String, String> h : r.headers().entrySet()) {
          rsp = rsp.withHeader(h.getKey(), h.getValue());
        }
        return rsp.withHeader("X-Content-Type-Options", "nosniff");
      }, workers);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.completedFuture(HttpResponse.error(io.micro.errors.MicroException.of(
          Lookups.ID, 503, "web: busy, try again", "Service Unavailable")));
    }
  }

  /** The address the listener is bound to. */
  public InetSocketAddress address() {
    return started().address();
  }

  /** {@code http://host:port} (or {@code https}) of the dashboard. */
  public String url() {
    return started().url();
  }

  private HttpServer started() {
    HttpServer s = http;
    if (s == null) {
      throw new IllegalStateException("web: not started");
    }
    return s;
  }

  /** Deregisters, stops listening, closes connections. Idempotent. */
  @Override
  public synchronized void close() {
    Service s = registered;
    registered = null;
    if (s != null) {
      try {
        b.registry.deregister(s);
      } catch (RuntimeException e) {
        LOG.debug("web: deregister {}: {}", s.name(), e.getMessage());
      }
    }
    if (http != null) {
      http.close();
    }
    httpProxy.close();
    workers.shutdownNow();
  }

  /** Options of a {@link WebServer}; every setter checks its value. */
  public static final class Builder {
    private final Registry registry;
    private final Selector selector;
    private final Client client;
    private String address = "127.0.0.1:8082";
    private String namespace = "go.micro.web";
    private String serviceName = "go.micro.web";
    private boolean stats;
    private boolean register;
    private Cors cors = Cors.disabled();
    private @Nullable Tls tls;
    private int maxBodyBytes = 4 << 20;
    private int maxServices = 1000;
    private int workers = 16;
    private Duration registryTimeout = Duration.ofSeconds(5);
    private Duration callTimeout = Duration.ofSeconds(5);
    private Duration maxCallTimeout = Duration.ofSeconds(60);
    private Duration proxyTimeout = Duration.ofSeconds(60);

    private Builder(Registry registry, Selector selector, Client client) {
      this.registry = Objects.requireNonNull(registry, "registry");
      this.selector = Objects.requireNonNull(selector, "selector");
      this.client = Objects.requireNonNull(client, "client");
    }

    /**
     * Where to listen, {@code host:port}; default {@code 127.0.0.1:8082}; port 0 picks one, an
     * empty host ({@code :8082}) listens on every interface.
     */
    public Builder address(String address) {
      this.address = Objects.requireNonNull(address, "address");
      return this;
    }

    /** The namespace of web apps; default {@code go.micro.web}. */
    public Builder namespace(String namespace) {
      if (namespace.isBlank() || namespace.endsWith(".") || namespace.startsWith(".")) {
        throw new IllegalArgumentException("web namespace: '" + namespace
            + "' (expected: a dotted name such as go.micro.web)");
      }
      this.namespace = namespace;
      return this;
    }

    /** Serves {@code /stats} and shows it in the navigation; default off. */
    public Builder enableStats(boolean enable) {
      this.stats = enable;
      return this;
    }

    /** Registers the dashboard itself as {@code name} while it runs; default off. */
    public Builder register(String name) {
      this.serviceName = Objects.requireNonNull(name, "name");
      this.register = true;
      return this;
    }

    /** Which browser origins may call the dashboard's endpoints; default none (no CORS headers). */
    public Builder cors(Cors cors) {
      this.cors = Objects.requireNonNull(cors, "cors");
      return this;
    }

    /** Serves HTTPS with {@code tls}; null (the default) serves plain HTTP. */
    public Builder tls(@Nullable Tls tls) {
      this.tls = tls;
      return this;
    }

    /** The largest request body; default 4 MiB. */
    public Builder maxBodyBytes(int bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("max body: " + bytes + " (expected: at least 1024 bytes)");
      }
      this.maxBodyBytes = bytes;
      return this;
    }

    /** The default and the largest timeout of a {@code /rpc} call; default 5 s and 60 s. */
    public Builder callTimeout(Duration defaultTimeout, Duration max) {
      if (defaultTimeout.isNegative() || defaultTimeout.isZero() || max.compareTo(defaultTimeout) < 0) {
        throw new IllegalArgumentException("call timeout: " + defaultTimeout + ", max " + max
            + " (expected: 0 < timeout <= max)");
      }
      this.callTimeout = defaultTimeout;
      this.maxCallTimeout = max;
      return this;
    }

    /** How long a registry read may take before the page answers 504; default 5 s. */
    public Builder registryTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("registry timeout: " + timeout + " (expected: > 0)");
      }
      this.registryTimeout = timeout;
      return this;
    }

    /** How long a proxied web app may take to start answering; default 60 s. */
    public Builder proxyTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("proxy timeout: " + timeout + " (expected: > 0)");
      }
      this.proxyTimeout = timeout;
      return this;
    }

    /** A server with these options, not started. */
    public WebServer build() {
      return new WebServer(this);
    }
  }
}
