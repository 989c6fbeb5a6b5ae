package io.micro.toolkit.sidecar;

import io.micro.broker.Broker;
import io.micro.client.Client;
import io.micro.errors.MicroException;
import io.micro.registry.Registry;
import io.micro.toolkit.http.Cors;
import io.micro.toolkit.http.HttpRequest;
import io.micro.toolkit.http.HttpResponse;
import io.micro.toolkit.http.HttpServer;
import io.micro.toolkit.http.RpcBridge;
import io.micro.toolkit.http.Tls;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * go-micro over HTTP for applications in any language (micro's {@code sidecar}):
 *
 * <ul>
 *   <li>{@code GET /registry?service=NAME}, {@code GET /registry}, {@code POST /registry[?ttl=30s]},
 *       {@code DELETE /registry}: discovery;
 *   <li>{@code POST /rpc}: calls a service ({@code {"service","method","request"}}, JSON or form);
 *   <li>{@code GET /broker?topic=T[&queue=Q]}: a websocket that publishes what it receives and
 *       pushes what the topic carries;
 *   <li>{@code GET /health}: the sidecar's app's health (200 when it has none to check).
 * </ul>
 *
 * <p>With an {@link App}, the sidecar registers the app while its health URL answers 2xx and
 * deregisters it while it does not and at {@link #close()}. The listener is the toolkit's {@link
 * HttpServer}: bounded body (413), websocket message (close 1009), request and idle times, call
 * time (504), with CORS, TLS and the access log.
 *
 * <pre>{@code
 * try (Sidecar car = Sidecar.builder().registry(registry).client(client).broker(broker)
 *     .address("127.0.0.1:8081").build().start()) {
 *   car.awaitClose();
 * }
 * }</pre>
 *
 * <p>The sidecar does not close the registry, client and broker it was given.
 */
public final class Sidecar implements AutoCloseable {
  private static final byte[] OK = "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8);

  private final Builder b;
  private final Registry registry;
  private final Client client;
  private final ThreadPoolExecutor executor;
  private @Nullable HttpServer server;
  private @Nullable AppRegistration app;

  private Sidecar(Builder b, Registry registry, Client client) {
    this.b = b;
    this.registry = registry;
    this.client = client;
    AtomicInteger n = new AtomicInteger();
    // A few core threads do the usual short work (parsing, call set-up); more start only when the
    // queue is full, up to the configured maximum: idle threads cost memory (their stacks).
    int core = Math.min(b.workers, Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
    this.executor = new ThreadPoolExecutor(core, b.workers, 30, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(b.queue), r -> {
          Thread t = new Thread(r, "micro-sidecar-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    executor.allowCoreThreadTimeOut(true);
  }

  /** A builder with the defaults: {@code 127.0.0.1:8081}, any origin, 4 MiB bodies. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Binds the listener and, with an app, starts registering it.
   *
   * @throws IllegalStateException naming the address when it cannot bind
   * @throws IllegalArgumentException naming a TLS file that cannot be read
   */
  public synchronized Sidecar start() {
    if (server != null) {
      return this;
    }
    AppRegistration reg = b.app == null ? null : new AppRegistration(b.app, registry);
    HttpServer s = HttpServer.builder()
        .name("micro-sidecar")
        .address(b.address)
        .tls(b.tls)
        .cors(b.cors)
        .errorId(Work.ERROR_ID)
        .maxBodySize(b.maxBodyBytes)
        .maxWebSocketFrameSize(b.maxFrameBytes)
        .handlerTimeout(b.callTimeout)
        .accessLog(b.accessLog)
        .route("/registry", new RegistryApi(registry, executor))
        .route("/rpc", RpcBridge.builder(client, executor).maxTimeout(b.callTimeout).build())
        .route("/broker", new BrokerBridge(b.broker, executor))
        .route("/health", req -> health(req, reg))
        .build()
        .start();
    server = s;
    if (reg != null) {
      reg.start();
      app = reg;
    }
    return this;
  }

  /** The bound {@code host:port}; valid after {@link #start()}. */
  public String address() {
    return Objects.requireNonNull(server, "not started").hostPort();
  }

  /** {@code http://host:port} or {@code https://host:port}; valid after {@link #start()}. */
  public String url() {
    return Objects.requireNonNull(server, "not started").url();
  }

  /** Whether the app is registered now (false without an app). */
  public boolean appRegistered() {
    AppRegistration r = app;
    return r != null && r.registered();
  }

  /** Deregisters the app, closes every connection and stops the listener. Idempotent. */
  @Override
  public synchronized void close() {
    if (app != null) {
      app.close();
      app = null;
    }
    if (server != null) {
      server.close();
      server = null;
    }
    executor.shutdownNow();
  }

  private CompletableFuture<HttpResponse> health(HttpRequest x, @Nullable AppRegistration reg) {
    if (!x.method().equals("GET") && !x.method().equals("HEAD")) {
      return CompletableFuture.completedFuture(HttpResponse.error(MicroException.methodNotAllowed(
          Work.ERROR_ID, "%s /health (expected: GET)", x.method())));
    }
    if (reg == null) {
      return CompletableFuture.completedFuture(HttpResponse.json(200, OK));
    }
    return Work.async(executor, () -> {
      AppRegistration.Health h = reg.check();
      return h.status() == 200 ? HttpResponse.json(200, OK)
          : HttpResponse.error(MicroException.of(Work.ERROR_ID,
              h.status() >= 400 && h.status() <= 599 ? h.status() : 500, h.problem()));
    });
  }

  /** Configures a {@link Sidecar}; registry and client are required. Not thread-safe. */
  public static final class Builder {
    private @Nullable Registry registry;
    private @Nullable Client client;
    private @Nullable Broker broker;
    private String address = "127.0.0.1:8081";
    private Cors cors = Cors.allowAll();
    private @Nullable Tls tls;
    private @Nullable App app;
    private boolean accessLog = true;
    private int maxBodyBytes = 4 << 20;
    private int maxFrameBytes = 1 << 20;
    private Duration callTimeout = Duration.ofSeconds(60);
    private int workers = 64;
    private final int queue = 4096;

    private Builder() {}

    /** The registry {@code /registry} and app registration use; required. */
    public Builder registry(Registry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** The client {@code /rpc} calls with; required. */
    public Builder client(Client client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /** The broker of {@code /broker}; without one, {@code /broker} answers 503. */
    public Builder broker(Broker broker) {
      this.broker = Objects.requireNonNull(broker, "broker");
      return this;
    }

    /**
     * Where to listen, {@code host:port} ({@code :8081} means every interface, port 0 any free
     * port); default {@code 127.0.0.1:8081}.
     *
     * @throws IllegalArgumentException naming the address when it is not {@code host:port}
     */
    public Builder address(String hostPort) {
      try {
        HttpServer.builder().address(hostPort);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("sidecar_address: " + e.getMessage(), e);
      }
      this.address = hostPort;
      return this;
    }

    /** The origins browsers may call from (default {@link Cors#allowAll()}). */
    public Builder cors(Cors cors) {
      this.cors = Objects.requireNonNull(cors, "cors");
      return this;
    }

    /** Serves HTTPS (and {@code wss://}) with {@code tls}; null (the default) serves plain HTTP. */
    public Builder tls(@Nullable Tls tls) {
      this.tls = tls;
      return this;
    }

    /** The app to register and health-check. */
    public Builder app(App app) {
      this.app = Objects.requireNonNull(app, "app");
      return this;
    }

    /** Whether to write the access log (default true). */
    public Builder accessLog(boolean on) {
      this.accessLog = on;
      return this;
    }

    /** The largest request body accepted (default 4 MiB); larger ones get 413. */
    public Builder maxBodyBytes(int bytes) {
      this.maxBodyBytes = atLeast("maxBodyBytes", bytes, 1024);
      return this;
    }

    /** The largest websocket message accepted (default 1 MiB); larger ones close with 1009. */
    public Builder maxFrameBytes(int bytes) {
      this.maxFrameBytes = atLeast("maxFrameBytes", bytes, 125);
      return this;
    }

    /**
     * The longest a request may wait for its answer (default 60 s; 504 after it). The client's own
     * request timeout usually ends a call first.
     */
    public Builder callTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("callTimeout: " + timeout + " (expected: > 0)");
      }
      this.callTimeout = timeout;
      return this;
    }

    /**
     * The most threads for registry calls, call set-up and publishing (default 64); twice the
     * processors (at least 4) run at once, more start only when {@code 4096} tasks wait.
     */
    public Builder workers(int n) {
      this.workers = atLeast("workers", n, 1);
      return this;
    }

    /** A sidecar (not started); fails naming what is missing. */
    public Sidecar build() {
      if (registry == null) {
        throw new IllegalStateException("sidecar: no registry (expected: builder.registry(...))");
      }
      if (client == null) {
        throw new IllegalStateException("sidecar: no client (expected: builder.client(...))");
      }
      return new Sidecar(this, registry, client);
    }

    private static int atLeast(String name, int v, int min) {
      if (v < min) {
        throw new IllegalArgumentException(name + ": " + v + " (expected: >= " + min + ")");
      }
      return v;
    }
  }
}
