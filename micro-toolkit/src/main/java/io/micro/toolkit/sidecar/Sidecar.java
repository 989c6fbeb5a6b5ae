package io.micro.toolkit.sidecar;

import io.micro.broker.Broker;
import io.micro.client.Client;
import io.micro.errors.MicroException;
import io.micro.registry.Registry;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.File;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;
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
 * deregisters it while it does not and at {@link #close()}. Every listener bound is bounded: body
 * size (413), websocket message size (close 1009), idle connections, call time (504).
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
  private final Builder b;
  private final ThreadPoolExecutor executor;
  private @Nullable HttpFront front;
  private @Nullable AppRegistration app;

  private Sidecar(Builder b) {
    this.b = b;
    AtomicInteger n = new AtomicInteger();
    this.executor = new ThreadPoolExecutor(b.workers, b.workers, 30, TimeUnit.SECONDS,
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
   * @throws IllegalStateException naming the address when it cannot bind, or the TLS files when
   *     they cannot be read
   */
  public synchronized Sidecar start() {
    if (front != null) {
      return this;
    }
    SslContext ssl = ssl();
    AppRegistration reg = b.app == null ? null : new AppRegistration(b.app, b.registry);
    Map<String, Route> routes = new LinkedHashMap<>();
    routes.put("/registry", new RegistryApi(b.registry, executor));
    routes.put("/rpc", new RpcBridge(b.client, executor));
    routes.put("/health", x -> health(x, reg));
    front = HttpFront.start(new HttpFront.Settings(b.bind, ssl, new Cors(b.cors), b.maxBodyBytes,
        max(b.idleTimeout, b.callTimeout.plusSeconds(5)), b.callTimeout, routes,
        new BrokerBridge(b.broker, b.maxFrameBytes, executor, ssl != null)));
    if (reg != null) {
      reg.start();
      app = reg;
    }
    return this;
  }

  /** The bound {@code host:port}; valid after {@link #start()}. */
  public String address() {
    HttpFront f = Objects.requireNonNull(front, "not started");
    InetSocketAddress a = f.address();
    String host = a.getAddress().getHostAddress();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
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
    if (front != null) {
      front.close();
      front = null;
    }
    executor.shutdownNow();
  }

  private CompletableFuture<Reply> health(Exchange x, @Nullable AppRegistration reg) {
    if (!x.method().equals(HttpMethod.GET) && !x.method().equals(HttpMethod.HEAD)) {
      return CompletableFuture.completedFuture(Reply.error(MicroException.methodNotAllowed(
          HttpFront.ERROR_ID, "%s /health (expected: GET)", x.method())));
    }
    if (reg == null) {
      return CompletableFuture.completedFuture(Reply.json("{\"status\":\"ok\"}".getBytes()));
    }
    return CompletableFuture.supplyAsync(() -> {
      AppRegistration.Health h = reg.check();
      return h.status() == 200 ? Reply.json("{\"status\":\"ok\"}".getBytes())
          : Reply.error(MicroException.of(HttpFront.ERROR_ID, h.status() >= 400 ? h.status() : 500,
              h.problem()));
    }, executor);
  }

  private @Nullable SslContext ssl() {
    if (b.certFile == null) {
      return null;
    }
    try {
      SslContextBuilder sb = SslContextBuilder.forServer(b.certFile, Objects.requireNonNull(b.keyFile));
      if (b.clientCaFile != null) {
        sb.trustManager(b.clientCaFile).clientAuth(ClientAuth.REQUIRE);
      }
      return sb.build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalStateException("TLS: cannot use certificate " + b.certFile + " and key "
          + b.keyFile + ": " + e.getMessage(), e);
    }
  }

  private static Duration max(Duration a, Duration c) {
    return a.compareTo(c) > 0 ? a : c;
  }

  /** Configures a {@link Sidecar}; registry and client are required. Not thread-safe. */
  public static final class Builder {
    private @Nullable Registry registry;
    private @Nullable Client client;
    private @Nullable Broker broker;
    private InetSocketAddress bind = new InetSocketAddress("127.0.0.1", 8081);
    private List<String> cors = List.of("*");
    private @Nullable File certFile;
    private @Nullable File keyFile;
    private @Nullable File clientCaFile;
    private @Nullable App app;
    private int maxBodyBytes = 4 << 20;
    private int maxFrameBytes = 1 << 20;
    private Duration idleTimeout = Duration.ofSeconds(60);
    private Duration callTimeout = Duration.ofSeconds(60);
    private int workers = 64;
    private int queue = 4096;

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
     * Where to listen, {@code host:port} ({@code :8081} means all interfaces, port 0 any free
     * port); default {@code 127.0.0.1:8081}.
     */
    public Builder address(String hostPort) {
      String a = hostPort.strip();
      int colon = a.lastIndexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException(
            "sidecar_address: '" + hostPort + "' (expected: host:port, e.g. 127.0.0.1:8081)");
      }
      String host = a.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      int port;
      try {
        port = Integer.parseInt(a.substring(colon + 1));
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException(
            "sidecar_address: '" + hostPort + "' has no valid port (expected: 0..65535)");
      }
      this.bind = host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
      return this;
    }

    /** The origins browsers may call from ({@code *} = any, the default); empty = none. */
    public Builder cors(List<String> origins) {
      this.cors = List.copyOf(origins);
      return this;
    }

    /** Serves HTTPS with this PEM certificate chain and PKCS#8 PEM key. */
    public Builder tls(File certFile, File keyFile) {
      this.certFile = Objects.requireNonNull(certFile, "certFile");
      this.keyFile = Objects.requireNonNull(keyFile, "keyFile");
      return this;
    }

    /** Requires client certificates signed by this PEM CA (mutual TLS); needs {@link #tls}. */
    public Builder clientCa(File caFile) {
      this.clientCaFile = Objects.requireNonNull(caFile, "caFile");
      return this;
    }

    /** The app to register and health-check. */
    public Builder app(App app) {
      this.app = Objects.requireNonNull(app, "app");
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

    /** How long a connection may send nothing before it is closed (default 60 s). */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = positive("idleTimeout", timeout);
      return this;
    }

    /**
     * The longest a request may wait for its answer (default 60 s; 504 after it). The client's own
     * request timeout usually ends a call first.
     */
    public Builder callTimeout(Duration timeout) {
      this.callTimeout = positive("callTimeout", timeout);
      return this;
    }

    /** Threads for registry calls, call set-up and publishing (default 64). */
    public Builder workers(int n) {
      this.workers = atLeast("workers", n, 1);
      return this;
    }

    /** A sidecar (not started); fails naming what is missing or inconsistent. */
    public Sidecar build() {
      if (registry == null) {
        throw new IllegalStateException("sidecar: no registry (expected: builder.registry(...))");
      }
      if (client == null) {
        throw new IllegalStateException("sidecar: no client (expected: builder.client(...))");
      }
      if (clientCaFile != null && certFile == null) {
        throw new IllegalStateException("sidecar: a client CA needs TLS (expected: builder.tls(...))");
      }
      return new Sidecar(this);
    }

    private static int atLeast(String name, int v, int min) {
      if (v < min) {
        throw new IllegalArgumentException(name + ": " + v + " (expected: >= " + min + ")");
      }
      return v;
    }

    private static Duration positive(String name, Duration d) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
      }
      return d;
    }
  }
}
