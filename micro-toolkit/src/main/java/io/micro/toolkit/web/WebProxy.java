package io.micro.toolkit.web;

import io.micro.errors.MicroException;
import io.micro.registry.Node;
import io.micro.selector.Selector;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The reverse proxy of {@code micro web}: {@code /NAME/rest} goes to a node of {@code
 * <namespace>.NAME} chosen by the selector, as {@code /rest}, with {@code X-Micro-Web-Base-Path:
 * /NAME}, {@code X-Forwarded-For}, {@code X-Forwarded-Host} and {@code X-Forwarded-Proto}. A
 * websocket upgrade is forwarded as written and the bytes are then copied both ways until either
 * side closes.
 *
 * <p>Bounds: the connect timeout, a read timeout on the backend (plain HTTP only; websockets may
 * stay idle), and the largest response body the proxy buffers.
 */
final class WebProxy {

  private static final Pattern ALIAS = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,62}");
  static final String BASE_PATH = "X-Micro-Web-Base-Path";

  private final Selector selector;
  private final String namespace;
  private final Executor executor;
  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final int maxResponseBytes;

  WebProxy(Selector selector, String namespace, Executor executor, Duration connectTimeout,
      Duration readTimeout, int maxResponseBytes) {
    this.selector = selector;
    this.namespace = namespace;
    this.executor = executor;
    this.connectTimeout = connectTimeout;
    this.readTimeout = readTimeout;
    this.maxResponseBytes = maxResponseBytes;
  }

  /** True when {@code alias} may name a web app: letters, digits and hyphens. */
  static boolean isAlias(String alias) {
    return ALIAS.matcher(alias).matches();
  }

  /** The web app alias of {@code path} ({@code /NAME} or {@code /NAME/...}), or null. */
  static @org.jspecify.annotations.Nullable String aliasOf(String path) {
    int end = path.indexOf('/', 1);
    String first = end < 0 ? path.substring(1) : path.substring(1, end);
    return !Dashboard.RESERVED.contains(first) && isAlias(first) ? first : null;
  }

  /** The backend path of {@code uri} under {@code alias}: the rest after {@code /alias}, or {@code /}. */
  static String rewrite(String uri, String alias) {
    String rest = uri.substring(alias.length() + 1);
    if (rest.isEmpty() || rest.charAt(0) == '?') {
      return "/" + rest;
    }
    return rest;
  }

  /**
   * Proxies {@code req} (owned by this call) for {@code alias}; answers the client on {@code front}.
   * {@code done} receives the status written, for the access log and stats.
   */
  void proxy(Channel front, FullHttpRequest req, String alias, Callback done) {
    front.config().setAutoRead(false);
    executor.execute(() -> {
      Node node;
      try {
        node = selector.select(namespace + "." + alias).get();
      } catch (RuntimeException e) {
        req.release();
        MicroException m = e instanceof MicroException me ? me
            : MicroException.internalServerError(Lookups.ID, "%s", e.getMessage());
        done.fail(502, "web app " + namespace + "." + alias + ": " + m.detail());
        return;
      }
      front.eventLoop().execute(() -> forward(front, req, alias, node, done));
    });
  }

  /** What the proxy reports back to the front handler. */
  interface Callback {
    /** The backend answered with {@code status} (already written to the client). */
    void answered(int status);

    /** Nothing was proxied: write a {@code status} error with {@code detail}. */
    void fail(int status, String detail);

    /**
     * The connection became a websocket tunnel: the front pipeline must stop decoding HTTP and
     * hand every byte to {@code relay}.
     */
    void tunnel(io.netty.channel.ChannelHandler relay);
  }

  private void forward(Channel front, FullHttpRequest req, String alias, Node node, Callback done) {
    boolean upgrade = isWebsocket(req.headers());
    String host = front.remoteAddress() instanceof java.net.InetSocketAddress a
        ? a.getAddress().getHostAddress() : "";
    HttpHeaders h = req.headers();
    String origHost = h.get(HttpHeaderNames.HOST, "");
    req.setUri(rewrite(req.uri(), alias));
    h.set(HttpHeaderNames.HOST, node.address());
    h.set(BASE_PATH, "/" + alias);
    String xff = h.get("X-Forwarded-For");
    h.set("X-Forwarded-For", xff == null || xff.isBlank() ? host : xff + ", " + host);
    h.set("X-Forwarded-Host", origHost);
    h.set("X-Forwarded-Proto", "http");
    req.setProtocolVersion(HttpVersion.HTTP_1_1);
    String[] hp = splitHostPort(node.address());
    Bootstrap b = new Bootstrap().group(front.eventLoop()).channel(NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            if (upgrade) {
              ch.pipeline().addLast(new Relay(front));
            } else {
              ch.pipeline().addLast(new ReadTimeoutHandler(readTimeout.toMillis(), TimeUnit.MILLISECONDS),
                  new HttpClientCodec(), new HttpObjectAggregator(maxResponseBytes),
                  new BackendHandler(front, done, HttpUtil.isKeepAlive(req)));
            }
          }
        });
    ChannelFuture cf = b.connect(hp[0], Integer.parseInt(hp[1]));
    cf.addListener((ChannelFutureListener) f -> {
      if (!f.isSuccess()) {
        req.release();
        done.fail(502, "web app " + namespace + "." + alias + " at " + node.address() + ": "
            + f.cause().getMessage());
        return;
      }
      Channel back = f.channel();
      if (upgrade) {
        back.writeAndFlush(encodeHead(req)).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        req.release();
        done.tunnel(new Relay(back));
        front.config().setAutoRead(true);
      } else {
        h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        back.writeAndFlush(req).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        front.closeFuture().addListener(x -> back.close());
      }
    });
  }

  /** True when the headers ask to upgrade to websocket (comma lists, any case). */
  static boolean isWebsocket(HttpHeaders h) {
    return h.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
        && h.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
  }

  private static ByteBuf encodeHead(FullHttpRequest req) {
    StringBuilder b = new StringBuilder(256);
    b.append(req.method().name()).append(' ').append(req.uri()).append(" HTTP/1.1\r\n");
    for (Map.Entry<String, String> e : req.headers()) {
      b.append(e.getKey()).append(": ").append(e.getValue()).append("\r\n");
    }
    b.append("\r\n");
    ByteBuf head = Unpooled.copiedBuffer(b, StandardCharsets.ISO_8859_1);
    return req.content().isReadable()
        ? Unpooled.wrappedBuffer(head, req.content().retain()) : head;
  }

  static String[] splitHostPort(String address) {
    int i = address.lastIndexOf(':');
    if (i <= 0 || i == address.length() - 1) {
      throw MicroException.internalServerError(Lookups.ID,
          "node address %s (expected: host:port)", address);
    }
    String host = address.substring(0, i);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return new String[] {host, address.substring(i + 1)};
  }

  /** Writes the backend's response to the client, then closes the backend connection. */
  private static final class BackendHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
    private final Channel front;
    private final Callback done;
    private final boolean keepAlive;
    private boolean answered;

    BackendHandler(Channel front, Callback done, boolean keepAlive) {
      this.front = front;
      this.done = done;
      this.keepAlive = keepAlive;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse rsp) {
      answered = true;
      FullHttpResponse out = rsp.retainedDuplicate();
      out.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
      HttpUtil.setContentLength(out, out.content().readableBytes());
      HttpUtil.setKeepAlive(out, keepAlive);
      ChannelFuture w = front.writeAndFlush(out);
      if (!keepAlive) {
        w.addListener(ChannelFutureListener.CLOSE);
      } else {
        front.config().setAutoRead(true);
      }
      done.answered(rsp.status().code());
      ctx.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (!answered) {
        answered = true;
        done.fail(cause instanceof io.netty.handler.timeout.ReadTimeoutException ? 504 : 502,
            "web app: " + (cause.getMessage() == null ? cause.getClass().getSimpleName()
                : cause.getMessage()));
      }
      ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (!answered) {
        answered = true;
        done.fail(502, "web app closed the connection without a response");
      }
    }
  }

  /** Copies bytes to {@code peer}, with backpressure; closing one side closes the other. */
  static final class Relay extends ChannelInboundHandlerAdapter {
    private final Channel peer;

    Relay(Channel peer) {
      this.peer = peer;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      peer.writeAndFlush(msg).addListener((ChannelFutureListener) f -> {
        if (!f.isSuccess()) {
          ctx.channel().close();
        }
      });
      if (!peer.isWritable() && ctx.channel().config().isAutoRead()) {
        ctx.channel().config().setAutoRead(false);
        peer.pipeline().addLast(new ChannelInboundHandlerAdapter() {
          @Override
          public void channelWritabilityChanged(ChannelHandlerContext c) {
            if (c.channel().isWritable()) {
              ctx.channel().config().setAutoRead(true);
              c.pipeline().remove(this);
            }
            c.fireChannelWritabilityChanged();
          }
        });
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (peer.isActive()) {
        peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
