package io.micro.toolkit.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micro.client.Client;
import io.micro.registry.Node;
import io.micro.registry.Registry;
import io.micro.registry.Service;
import io.micro.selector.Selector;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
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
 * <p>Bounds: request line, headers and body sizes; an idle connection is closed; registry reads
 * and calls have timeouts; blocking work runs on a bounded pool and a full pool answers 503.
 *
 * <p>It does not close the registry, selector or client it was given.
 */
public final class WebServer implements AutoCloseable {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(WebServer.class);

  private final Builder b;
  private final ThreadPoolExecutor workers;
  private final Dashboard dashboard;
  private final WebProxy proxy;
  private final Stats stats = new Stats();
  private @Nullable EventLoopGroup group;
  private @Nullable Channel channel;
  private @Nullable Service registered;

  private WebServer(Builder b) {
    this.b = b;
    this.workers = new ThreadPoolExecutor(b.workers, b.workers, 30, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(b.workers * 16), new DefaultThreadFactory("micro-web", true));
    this.workers.allowCoreThreadTimeOut(true);
    ObjectMapper json = new ObjectMapper();
    Lookups lookups = new Lookups(b.registry, workers, b.registryTimeout, b.maxServices);
    RpcBridge rpc = new RpcBridge(b.client, json, b.callTimeout, b.maxCallTimeout);
    this.dashboard = new Dashboard(lookups, rpc, new Pages(b.namespace, b.stats), json, stats, b.stats);
    this.proxy = new WebProxy(b.selector, b.namespace, workers, Duration.ofSeconds(5),
        b.proxyTimeout, b.maxBodyBytes);
  }

  /** A builder over the parts the dashboard reads from and calls with. */
  public static Builder builder(Registry registry, Selector selector, Client client) {
    return new Builder(registry, selector, client);
  }

  /**
   * Binds the listener and, when asked, registers {@code go.micro.web} with its address.
   *
   * @throws IllegalStateException when the address cannot be bound, naming it
   */
  public synchronized WebServer start() {
    if (group != null) {
      throw new IllegalStateException("web: already started (expected: a new server)");
    }
    group = new MultiThreadIoEventLoopGroup(b.ioThreads, new DefaultThreadFactory("micro-web-io", true),
        NioIoHandler.newFactory());
    ServerBootstrap sb = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 256)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast("idle", new IdleStateHandler(0, 0, b.idleTimeout.toSeconds(), TimeUnit.SECONDS))
                .addLast("http", new HttpServerCodec(8192, 16384, 8192))
                .addLast("aggregate", new HttpObjectAggregator(b.maxBodyBytes))
                .addLast("web", new FrontHandler(dashboard, proxy, workers, stats, b.cors));
          }
        });
    InetSocketAddress bind = parse(b.address);
    try {
      channel = sb.bind(bind).syncUninterruptibly().channel();
    } catch (RuntimeException e) {
      close();
      throw new IllegalStateException("web: cannot listen on " + b.address + ": " + e.getMessage(), e);
    }
    if (b.register) {
      InetSocketAddress a = address();
      String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
      Service s = Service.of(b.serviceName, "latest").withNodes(List.of(new Node(
          b.serviceName + "-" + UUID.randomUUID(), host + ":" + a.getPort(), Map.of("server", "http"))));
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

  /** The address the listener is bound to. */
  public InetSocketAddress address() {
    Channel ch = channel;
    if (ch == null) {
      throw new IllegalStateException("web: not started");
    }
    return (InetSocketAddress) ch.localAddress();
  }

  /** {@code http://host:port} of the dashboard (a wildcard bind is shown as 127.0.0.1). */
  public String url() {
    InetSocketAddress a = address();
    String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
    return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
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
    if (channel != null) {
      channel.close().syncUninterruptibly();
    }
    if (group != null) {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
    workers.shutdownNow();
  }

  /** {@code host:port}, {@code :port} (every interface, as Go) or {@code [v6]:port}. */
  static InetSocketAddress parse(String address) {
    int i = address.lastIndexOf(':');
    if (i < 0) {
      throw new IllegalArgumentException("web address: '" + address + "' (expected: host:port, e.g. 127.0.0.1:8082)");
    }
    String host = address.substring(0, i);
    int port;
    try {
      port = Integer.parseInt(address.substring(i + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("web address: '" + address + "' (expected: a port 0-65535)");
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
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
    private List<String> cors = List.of();
    private int maxBodyBytes = 4 << 20;
    private int maxServices = 1000;
    private int workers = 16;
    private int ioThreads = 2;
    private Duration registryTimeout = Duration.ofSeconds(5);
    private Duration callTimeout = Duration.ofSeconds(5);
    private Duration maxCallTimeout = Duration.ofSeconds(60);
    private Duration proxyTimeout = Duration.ofSeconds(60);
    private Duration idleTimeout = Duration.ofSeconds(120);

    private Builder(Registry registry, Selector selector, Client client) {
      this.registry = Objects.requireNonNull(registry, "registry");
      this.selector = Objects.requireNonNull(selector, "selector");
      this.client = Objects.requireNonNull(client, "client");
    }

    /** Where to listen, {@code host:port}; default {@code 127.0.0.1:8082}; port 0 picks one. */
    public Builder address(String address) {
      parse(address);
      this.address = address;
      return this;
    }

    /** The namespace of web apps; default {@code go.micro.web}. */
    public Builder namespace(String namespace) {
      if (namespace.isBlank() || namespace.endsWith(".")) {
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
      this.serviceName = name;
      this.register = true;
      return this;
    }

    /**
     * Origins allowed to call the dashboard's JSON endpoints from a browser ({@code *} for any);
     * default none (no CORS headers).
     */
    public Builder cors(List<String> origins) {
      this.cors = List.copyOf(origins);
      return this;
    }

    /** The largest request body, and the largest proxied response body; default 4 MiB. */
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

    /** How long a proxied web app may take to answer; default 60 s. */
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
