package io.micro.toolkit.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP/1.1 server on Netty: routes each request by path to an {@link HttpHandler}, with bounded
 * sizes and times, keep-alive, optional TLS, CORS, an access log and go-micro error JSON for every
 * error it answers itself.
 *
 * <ul>
 *   <li><b>Routes</b>: {@code route("/rpc", h)} matches the path {@code /rpc} only; a route ending
 *       in {@code /} ({@code "/"}, {@code "/broker/"}) matches every path under it. The longest
 *       match wins; no match is a 404 naming the path.
 *   <li><b>Limits</b>: body 4 MiB (413), request line 8 KiB (414), headers 16 KiB (431); the whole
 *       request must arrive within the read timeout (30 s, else 408); an idle keep-alive
 *       connection closes after the idle timeout (60 s); a handler that has not answered within
 *       the handler timeout (60 s) is answered 504. Requests on one connection are answered in
 *       order: the next is handled once the previous answer was written (a pipelined request
 *       that arrives meanwhile is kept, at most 1 024 messages, and reading pauses until then).
 *   <li><b>Paths</b>: a request target that is not an absolute path, has a {@code .}/{@code ..}
 *       segment or an encoded {@code /}, {@code \} or NUL is answered 400 before routing.
 *   <li><b>Access log</b>: Apache combined format, one line per response, to the SLF4J logger
 *       {@code io.micro.toolkit.http.access} at INFO.
 * </ul>
 *
 * <p>Instances are started once and closed once; {@link #close()} closes every connection.
 */
public final class HttpServer implements AutoCloseable {
  private final Builder options;
  private final List<Route> routes;
  private final @Nullable SslContext ssl;
  private final EventLoopGroup group;
  private final boolean epoll;
  private final ChannelGroup connections = new DefaultChannelGroup("micro-http-server", GlobalEventExecutor.INSTANCE);
  private volatile @Nullable Channel server;

  private HttpServer(Builder b) {
    this.options = b.copy();
    List<Route> sorted = new ArrayList<>(b.routes);
    sorted.sort(Comparator.comparingInt((Route r) -> r.path().length()).reversed());
    this.routes = List.copyOf(sorted);
    this.ssl = b.tls == null ? null : b.tls.serverContext();
    this.epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    this.group = new MultiThreadIoEventLoopGroup(b.ioThreads, new DefaultThreadFactory(b.name, true), io);
  }

  /** A builder with the defaults described on this class, listening on {@code 127.0.0.1:0}. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Binds the address and starts serving; returns this server.
   *
   * @throws IllegalStateException naming the address when it cannot be bound
   */
  public HttpServer start() {
    HostPort hp = HostPort.parse(options.address);
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(group)
        .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        // a client that shuts down its sending side after its request still gets the answer
        .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            connections.add(ch);
            ChannelPipeline p = ch.pipeline();
            if (ssl != null) {
              p.addLast("ssl", ssl.newHandler(ch.alloc()));
            }
            p.addLast("idle", new IdleStateHandler(0, 0, options.idleTimeout.toMillis(), TimeUnit.MILLISECONDS));
            p.addLast("http", new HttpServerCodec(options.maxInitialLineLength, options.maxHeaderSize, 64 * 1024));
            p.addLast("handler", new ServerHandler(HttpServer.this));
          }
        });
    try {
      Channel ch = bootstrap.bind(hp.socketAddress()).sync().channel();
      server = ch;
    } catch (Exception e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw new IllegalStateException("cannot listen on " + options.address + ": " + e.getMessage(), e);
    }
    return this;
  }

  /** The bound address; before {@link #start()}, fails. */
  public InetSocketAddress address() {
    Channel ch = server;
    if (ch == null) {
      throw new IllegalStateException("server not started");
    }
    return (InetSocketAddress) ch.localAddress();
  }

  /** The bound address as {@code host:port} ({@code [::1]:port} for IPv6). */
  public String hostPort() {
    InetSocketAddress a = address();
    String host = a.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  /** {@code http://host:port} or {@code https://host:port}. */
  public String url() {
    return (ssl != null ? "https://" : "http://") + hostPort();
  }

  /** Stops listening and closes every connection. */
  @Override
  public void close() {
    Channel ch = server;
    if (ch != null) {
      ch.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  Builder options() {
    return options;
  }

  boolean secure() {
    return ssl != null;
  }

  /** The socket channel class matching this server's event loops (for clients on those loops). */
  Class<? extends Channel> clientChannelClass() {
    return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
  }

  @Nullable Route route(String path) {
    for (Route r : routes) {
      if (r.matches(path)) {
        return r;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    Channel ch = server;
    return "http server " + (ch == null ? options.address + " (not started)" : hostPort());
  }

  record Route(String path, HttpHandler handler) {
    boolean matches(String p) {
      return path.endsWith("/") ? p.startsWith(path) || p.equals(path.substring(0, path.length() - 1))
          : p.equals(path);
    }
  }

  /** The settings and routes of an {@link HttpServer}. Not thread-safe. */
  public static final class Builder {
    String address = "127.0.0.1:0";
    String name = "micro-http";
    int maxBodySize = 4 << 20;
    int maxInitialLineLength = 8 * 1024;
    int maxHeaderSize = 16 * 1024;
    int maxWebSocketFrameSize = 1 << 20;
    Duration readTimeout = Duration.ofSeconds(30);
    Duration idleTimeout = Duration.ofSeconds(60);
    Duration handlerTimeout = Duration.ofSeconds(60);
    Duration webSocketPing = Duration.ofSeconds(30);
    @Nullable Tls tls;
    Cors cors = Cors.allowAll();
    boolean accessLog = true;
    String errorId = "go.micro.http";
    int ioThreads = Runtime.getRuntime().availableProcessors();
    @Nullable IntConsumer onResponse;
    final List<Route> routes = new ArrayList<>();

    private Builder() {}

    /** {@code host:port} to listen on ({@code :8080} = every interface); default {@code 127.0.0.1:0}. */
    public Builder address(String hostPort) {
      HostPort.parse(hostPort);
      this.address = hostPort;
      return this;
    }

    /** The name of the event loop threads (default {@code micro-http}). */
    public Builder name(String threadName) {
      this.name = Objects.requireNonNull(threadName, "threadName");
      return this;
    }

    /** The largest request body in bytes (default 4 MiB); larger is answered 413. */
    public Builder maxBodySize(int bytes) {
      this.maxBodySize = positive("maxBodySize", bytes);
      return this;
    }

    /** The longest request line (default 8 KiB); longer is answered 414. */
    public Builder maxInitialLineLength(int bytes) {
      this.maxInitialLineLength = positive("maxInitialLineLength", bytes);
      return this;
    }

    /** The largest header block (default 16 KiB); larger is answered 431. */
    public Builder maxHeaderSize(int bytes) {
      this.maxHeaderSize = positive("maxHeaderSize", bytes);
      return this;
    }

    /** The largest websocket message (default 1 MiB); larger closes the socket with 1009. */
    public Builder maxWebSocketFrameSize(int bytes) {
      this.maxWebSocketFrameSize = positive("maxWebSocketFrameSize", bytes);
      return this;
    }

    /** The time a started request has to arrive completely (default 30 s); then 408. */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = positive("readTimeout", timeout);
      return this;
    }

    /** The time an idle connection stays open (default 60 s). */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = positive("idleTimeout", timeout);
      return this;
    }

    /**
     * How often an open websocket is pinged (default 30 s; {@link Duration#ZERO} sends no pings). A
     * websocket from which nothing arrives, not even a pong, for two intervals is closed with 1001:
     * a peer that vanished without closing does not hold its session (and its subscriptions) forever.
     */
    public Builder webSocketPing(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.isNegative()) {
        throw new IllegalArgumentException("webSocketPing: " + interval + " (expected: zero or positive)");
      }
      this.webSocketPing = interval;
      return this;
    }

    /** The time a handler has to answer (default 60 s); then 504. */
    public Builder handlerTimeout(Duration timeout) {
      this.handlerTimeout = positive("handlerTimeout", timeout);
      return this;
    }

    /** Serves HTTPS with {@code tls}; null (the default) serves plain HTTP. */
    public Builder tls(@Nullable Tls tls) {
      this.tls = tls;
      return this;
    }

    /** The CORS rules (default {@link Cors#allowAll()}). */
    public Builder cors(Cors cors) {
      this.cors = Objects.requireNonNull(cors, "cors");
      return this;
    }

    /** Whether to write the access log (default true). */
    public Builder accessLog(boolean on) {
      this.accessLog = on;
      return this;
    }

    /** The {@code id} of the error JSON the server answers itself (default {@code go.micro.http}). */
    public Builder errorId(String id) {
      this.errorId = Objects.requireNonNull(id, "id");
      return this;
    }

    /** Event loop threads (default: one per core); 0 means Netty's default (2 × cores). */
    public Builder ioThreads(int threads) {
      if (threads < 0) {
        throw new IllegalArgumentException("ioThreads: " + threads + " (expected: >= 0)");
      }
      this.ioThreads = threads;
      return this;
    }

    /** Called with the status of every response written (e.g. to count them); must not block. */
    public Builder onResponse(IntConsumer listener) {
      this.onResponse = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Routes {@code path} to {@code handler}: exactly that path, or every path under it when it ends
     * in {@code /}. A later route for the same path replaces an earlier one.
     */
    public Builder route(String path, HttpHandler handler) {
      Objects.requireNonNull(handler, "handler");
      if (path == null || !path.startsWith("/")) {
        throw new IllegalArgumentException("route path: '" + path + "' (expected: an absolute path such as /rpc or /)");
      }
      routes.removeIf(r -> r.path().equals(path));
      routes.add(new Route(path, handler));
      return this;
    }

    /** A new server (not started). */
    public HttpServer build() {
      return new HttpServer(this);
    }

    Builder copy() {
      Builder c = new Builder();
      c.address = address;
      c.name = name;
      c.maxBodySize = maxBodySize;
      c.maxInitialLineLength = maxInitialLineLength;
      c.maxHeaderSize = maxHeaderSize;
      c.maxWebSocketFrameSize = maxWebSocketFrameSize;
      c.readTimeout = readTimeout;
      c.idleTimeout = idleTimeout;
      c.handlerTimeout = handlerTimeout;
      c.webSocketPing = webSocketPing;
      c.tls = tls;
      c.cors = cors;
      c.accessLog = accessLog;
      c.errorId = errorId;
      c.ioThreads = ioThreads;
      c.onResponse = onResponse;
      c.routes.addAll(routes);
      return c;
    }

    private static int positive(String name, int v) {
      if (v <= 0) {
        throw new IllegalArgumentException(name + ": " + v + " (expected: > 0)");
      }
      return v;
    }

    private static Duration positive(String name, Duration d) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
      }
      return d;
    }
  }
}
