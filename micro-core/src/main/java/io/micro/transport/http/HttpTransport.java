package io.micro.transport.http;

import io.micro.errors.MicroException;
import io.micro.transport.Listener;
import io.micro.transport.Socket;
import io.micro.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
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
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * go-micro's HTTP transport on Netty: every message is one HTTP/1.1 message on a persistent TCP
 * connection — a client sends {@code POST /} requests, a server answers with {@code HTTP/1.1 200 OK}
 * responses whose headers echo the connection's first request headers overlaid with the reply's.
 * On the same port a listener also serves gRPC over HTTP/2 cleartext (prior knowledge, recognised by
 * the connection preface): each call reaches the handler as one message on its own socket, with
 * {@code Micro-Endpoint} taken from {@code :path} (see {@code docs/grpc.md}).
 *
 * <pre>{@code
 * try (HttpTransport transport = HttpTransport.builder().maxMessageSize(8 << 20).build()) {
 *   Listener listener = transport.listen("127.0.0.1:0", (socket, message) -> socket.send(message));
 *   Socket client = transport.dial(listener.address(), Duration.ofSeconds(5)).join();
 *   client.send(new Message(Map.of("Content-Type", "application/json"), body)).join();
 *   Message reply = client.receive(Duration.ofSeconds(5)).join();
 * }
 * }</pre>
 *
 * <p>Inputs are bounded: a body over {@code maxMessageSize} is discarded as it arrives and answered
 * with a 413 carrying a {@code Micro-Error} (the connection stays usable); headers over
 * {@code maxHeaderSize}, a request line over {@code maxInitialLineLength} or any malformed HTTP get a
 * 400 and the connection is closed; a connection idle for {@code idleTimeout} is closed, and so is one
 * whose request has not fully arrived {@code headerReadTimeout} after it began. Any method and path is
 * a message, as in go-micro (a {@code GET /} too).
 *
 * <p>Listeners and dialled sockets share this transport's event loop group (native epoll when
 * available, else NIO). Safe for concurrent use; {@link #close()} closes everything it opened.
 */
public final class HttpTransport implements Transport {
  private final Builder options;
  private final EventLoopGroup group;
  private final boolean epoll;
  private final HttpDecoderConfig decoderConfig;
  private final Http2Settings http2Settings;
  private final Set<HttpListener> listeners = ConcurrentHashMap.newKeySet();
  private final ChannelGroup clients = new DefaultChannelGroup("micro-http-clients", GlobalEventExecutor.INSTANCE);

  private HttpTransport(Builder b) {
    this.options = b.copy();
    this.epoll = b.nativeTransport && Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    this.group = new MultiThreadIoEventLoopGroup(b.ioThreads, new DefaultThreadFactory("micro-http", true), io);
    this.decoderConfig = new HttpDecoderConfig()
        .setMaxInitialLineLength(b.maxInitialLineLength)
        .setMaxHeaderSize(b.maxHeaderSize)
        .setMaxChunkSize(64 * 1024)
        .setHeadersFactory(DefaultHttpHeadersFactory.headersFactory().withValidation(false));
    this.http2Settings = Http2Settings.defaultSettings()
        .maxConcurrentStreams(b.maxConcurrentStreams)
        .maxHeaderListSize(b.maxHeaderSize);
  }

  /** A transport with the defaults (4 MiB messages, 64 KiB headers, 5 min idle, 30 s per request). */
  public static HttpTransport create() {
    return builder().build();
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this transport's options, to build another one. */
  public Builder toBuilder() {
    return options.copy();
  }

  /** {@code http}. */
  @Override
  public String name() {
    return "http";
  }

  /** True when the native epoll transport is in use. */
  public boolean isNative() {
    return epoll;
  }

  /**
   * Binds {@code address} ({@code host:port}, {@code [::1]:port}, or {@code :port} for every
   * interface; port 0 picks a free port) and passes every request to {@code handler} on an I/O
   * thread. Fails with a 500 naming the address when it cannot bind.
   */
  @Override
  public Listener listen(String address, Listener.Handler handler) {
    Objects.requireNonNull(handler, "handler");
    InetSocketAddress bindTo = Wire.parse(address, "0.0.0.0");
    HttpListener listener = new HttpListener(this);
    long idle = options.idleTimeout.toNanos();
    long request = options.headerReadTimeout.toNanos();
    int max = options.maxMessageSize;
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(group)
        .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            listener.accepted().add(ch);
            ConnectionTimer timer = new ConnectionTimer(idle, request);
            ch.pipeline()
                .addLast("micro-timer", timer)
                .addLast("micro-sniffer", new ProtocolSniffer(ch, handler, timer, decoderConfig, max, http2Settings));
          }
        });
    ChannelFuture bind = bootstrap.bind(bindTo).awaitUninterruptibly();
    if (!bind.isSuccess()) {
      throw MicroException.internalServerError("go.micro.transport", "listen %s: %s", address,
          bind.cause().getMessage()).withCause(bind.cause());
    }
    listener.bound(bind.channel());
    listeners.add(listener);
    return listener;
  }

  /**
   * Connects to {@code address} ({@code host:port}); fails with a 500
   * {@code connection error: dial <address>: <reason>} when the connection cannot be made within
   * {@code timeout}.
   */
  @Override
  public CompletableFuture<Socket> dial(String address, Duration timeout) {
    CompletableFuture<Socket> result = new CompletableFuture<>();
    InetSocketAddress target;
    try {
      target = Wire.parse(address, "127.0.0.1");
    } catch (IllegalArgumentException e) {
      result.completeExceptionally(dialError(address, e.getMessage()));
      return result;
    }
    int max = options.maxMessageSize;
    Bootstrap bootstrap = new Bootstrap()
        .group(group)
        .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis())))
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new HttpResponseDecoder(decoderConfig));
          }
        });
    bootstrap.connect(target).addListener((ChannelFuture f) -> {
      if (!f.isSuccess()) {
        result.completeExceptionally(dialError(address, reason(f.cause())).withCause(f.cause()));
        return;
      }
      Channel ch = f.channel();
      ClientConnection connection = new ClientConnection(ch, address, max);
      ch.pipeline().addLast(connection);
      clients.add(ch);
      if (!result.complete(connection)) {
        ch.close();
      }
    });
    return result;
  }

  /** Closes every listener and dialled connection, then stops the I/O threads (waiting up to 5 s). */
  @Override
  public void close() {
    for (HttpListener l : listeners) {
      l.close();
    }
    clients.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
  }

  void removed(HttpListener listener) {
    listeners.remove(listener);
  }

  private static MicroException dialError(String address, String reason) {
    return MicroException.internalServerError("go.micro.client", "connection error: dial %s: %s", address, reason);
  }

  private static String reason(Throwable cause) {
    String message = cause.getMessage();
    if (message == null) {
      return cause.getClass().getSimpleName();
    }
    if (cause instanceof ConnectException && message.contains("Connection refused")) {
      return "Connection refused";
    }
    int netty = message.indexOf("failed: ");
    if (netty >= 0 && message.startsWith("finishConnect")) {
      message = message.substring(netty + 8);
    }
    int at = message.lastIndexOf(": /");
    return at > 0 ? message.substring(0, at) : message;
  }

  /** Options of an {@link HttpTransport}; every setter checks its argument. */
  public static final class Builder {
    private int maxMessageSize = 4 * 1024 * 1024;
    private int maxHeaderSize = 64 * 1024;
    private int maxInitialLineLength = 8 * 1024;
    private Duration idleTimeout = Duration.ofMinutes(5);
    private Duration headerReadTimeout = Duration.ofSeconds(30);
    private int ioThreads;
    private boolean nativeTransport = true;
    private int maxConcurrentStreams = 1000;

    private Builder() {}

    /** The largest message body accepted and sent, in bytes (default 4 MiB = 4194304). */
    public Builder maxMessageSize(int bytes) {
      this.maxMessageSize = positive("maxMessageSize", bytes);
      return this;
    }

    /** The largest total size of one message's header lines, in bytes (default 64 KiB). */
    public Builder maxHeaderSize(int bytes) {
      this.maxHeaderSize = positive("maxHeaderSize", bytes);
      return this;
    }

    /** The longest request or status line, in bytes (default 8 KiB). */
    public Builder maxInitialLineLength(int bytes) {
      this.maxInitialLineLength = positive("maxInitialLineLength", bytes);
      return this;
    }

    /** How long a server connection may stay without traffic before it is closed (default 5 min). */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = positive("idleTimeout", timeout);
      return this;
    }

    /** How long a request may take to arrive completely, from its first byte (default 30 s). */
    public Builder headerReadTimeout(Duration timeout) {
      this.headerReadTimeout = positive("headerReadTimeout", timeout);
      return this;
    }

    /** The number of I/O threads; 0 (the default) lets Netty choose (twice the cores). */
    public Builder ioThreads(int threads) {
      if (threads < 0) {
        throw new IllegalArgumentException("ioThreads: " + threads + " (expected: >= 0)");
      }
      this.ioThreads = threads;
      return this;
    }

    /** Whether to use native epoll when available (default true); false forces NIO. */
    public Builder nativeTransport(boolean enabled) {
      this.nativeTransport = enabled;
      return this;
    }

    /**
     * The most gRPC calls (HTTP/2 streams) one client connection may have open at once, announced as
     * {@code SETTINGS_MAX_CONCURRENT_STREAMS}; streams beyond it are refused with
     * {@code RST_STREAM REFUSED_STREAM} (default 1000).
     */
    public Builder maxConcurrentStreams(int streams) {
      this.maxConcurrentStreams = positive("maxConcurrentStreams", streams);
      return this;
    }

    /** A transport with these options; it starts its I/O threads and must be closed. */
    public HttpTransport build() {
      return new HttpTransport(this);
    }

    Builder copy() {
      Builder b = new Builder();
      b.maxMessageSize = maxMessageSize;
      b.maxHeaderSize = maxHeaderSize;
      b.maxInitialLineLength = maxInitialLineLength;
      b.idleTimeout = idleTimeout;
      b.headerReadTimeout = headerReadTimeout;
      b.ioThreads = ioThreads;
      b.nativeTransport = nativeTransport;
      b.maxConcurrentStreams = maxConcurrentStreams;
      return b;
    }

    private static int positive(String name, int value) {
      if (value < 1) {
        throw new IllegalArgumentException(name + ": " + value + " (expected: >= 1)");
      }
      return value;
    }

    private static Duration positive(String name, Duration value) {
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
      }
      return value;
    }
  }
}
