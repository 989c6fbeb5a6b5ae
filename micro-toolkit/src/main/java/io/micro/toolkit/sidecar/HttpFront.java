package io.micro.toolkit.sidecar;

import io.micro.errors.MicroException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sidecar's HTTP/1.1 listener on Netty: bounded request line, headers and body (413 as error
 * JSON), an idle timeout per connection, optional TLS, CORS, an access log, routing by path and the
 * websocket upgrade of {@code /broker}. One request per connection is served at a time, so replies
 * keep the order of pipelined requests.
 */
final class HttpFront implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpFront.class);
  static final String ERROR_ID = "go.micro.sidecar";

  /** What the listener needs; the routes by exact path, the websocket route apart. */
  record Settings(
      InetSocketAddress bind,
      @Nullable SslContext ssl,
      Cors cors,
      int maxBodyBytes,
      Duration idleTimeout,
      Duration routeTimeout,
      Map<String, Route> routes,
      BrokerBridge broker) {}

  private final EventLoopGroup group;
  private final ChannelGroup channels = new DefaultChannelGroup("sidecar", GlobalEventExecutor.INSTANCE);
  private final Channel server;

  private HttpFront(Settings s) throws InterruptedException {
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    this.group = new MultiThreadIoEventLoopGroup(0, new DefaultThreadFactory("micro-sidecar", true), io);
    ServerBootstrap b = new ServerBootstrap()
        .group(group)
        .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 << 10, 256 << 10))
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            channels.add(ch);
            if (s.ssl() != null) {
              ch.pipeline().addLast("tls", s.ssl().newHandler(ch.alloc()));
            }
            long idle = s.idleTimeout().toMillis();
            ch.pipeline()
                .addLast("idle", new IdleStateHandler(idle, 0, 0, TimeUnit.MILLISECONDS))
                .addLast("http", new HttpServerCodec(4096, 16 << 10, 16 << 10))
                .addLast("aggregator", new Aggregator(s.maxBodyBytes()))
                .addLast("front", new Front(s));
          }
        });
    try {
      this.server = b.bind(s.bind()).sync().channel();
    } catch (RuntimeException | InterruptedException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw e;
    }
  }

  /** Binds and starts serving; fails naming the address when it cannot bind. */
  static HttpFront start(Settings settings) {
    try {
      return new HttpFront(settings);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while binding " + settings.bind(), e);
    } catch (RuntimeException e) {
      throw new IllegalStateException("sidecar: cannot listen on " + settings.bind().getHostString()
          + ":" + settings.bind().getPort() + ": " + e.getMessage(), e);
    }
  }

  /** The bound address. */
  InetSocketAddress address() {
    return (InetSocketAddress) server.localAddress();
  }

  /** Stops accepting and closes every connection, websockets included. */
  @Override
  public void close() {
    server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  /** Writes {@code reply} for {@code request} and logs it; closes unless the request keeps alive. */
  static void write(ChannelHandlerContext ctx, HttpMethod method, String uri, HttpVersion version,
      boolean keepAlive, @Nullable String origin, Cors cors, @Nullable String referer,
      @Nullable String agent, Reply reply) {
    FullHttpResponse rsp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.valueOf(reply.status()), Unpooled.wrappedBuffer(reply.body()));
    if (!reply.contentType().isEmpty()) {
      rsp.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
    }
    rsp.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, reply.body().length);
    cors.apply(origin, rsp.headers());
    if (keepAlive) {
      if (version.equals(HttpVersion.HTTP_1_0)) {
        rsp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      }
    } else {
      rsp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    AccessLog.log(ctx.channel().remoteAddress(), method.name(), uri, version.text(), reply.status(),
        reply.body().length, referer, agent);
    ctx.writeAndFlush(rsp).addListener(keepAlive
        ? (ChannelFutureListener) f -> {
          if (!f.isSuccess()) {
            f.channel().close();
          } else {
            f.channel().config().setAutoRead(true);
            f.channel().read();
          }
        }
        : ChannelFutureListener.CLOSE);
  }

  /** An aggregator whose oversize answer is a 413 error JSON naming the limit. */
  private static final class Aggregator extends HttpObjectAggregator {
    private final int max;

    Aggregator(int max) {
      super(max, true);
      this.max = max;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
      long length = HttpUtil.getContentLength(oversized, -1L);
      MicroException e = MicroException.tooLarge(ERROR_ID, "request body of %s bytes is larger than"
          + " the limit of %d bytes", length < 0 ? "more than " + max : Long.toString(length), max);
      byte[] body = e.toJson().getBytes(StandardCharsets.UTF_8);
      FullHttpResponse rsp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
          HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, Unpooled.wrappedBuffer(body));
      rsp.headers().set(HttpHeaderNames.CONTENT_TYPE, Reply.JSON)
          .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
          .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      AccessLog.log(ctx.channel().remoteAddress(), "-", "-", "HTTP/1.1", 413, body.length, null, null);
      ctx.writeAndFlush(rsp).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** Routes complete requests. */
  private static final class Front extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final Settings s;

    Front(Settings s) {
      this.s = s;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      String origin = req.headers().get(HttpHeaderNames.ORIGIN);
      String referer = req.headers().get(HttpHeaderNames.REFERER);
      String agent = req.headers().get(HttpHeaderNames.USER_AGENT);
      boolean keepAlive = HttpUtil.isKeepAlive(req) && !req.decoderResult().isFailure();
      HttpMethod method = req.method();
      String uri = req.uri();
      HttpVersion version = req.protocolVersion();
      if (req.decoderResult().isFailure()) {
        Throwable cause = req.decoderResult().cause();
        reply(ctx, req, false, Reply.error(MicroException.badRequest(ERROR_ID,
            "malformed HTTP request: %s", cause == null ? "unreadable" : cause.getMessage())));
        return;
      }
      QueryStringDecoder q = new QueryStringDecoder(uri);
      String path = q.path();
      if (method.equals(HttpMethod.OPTIONS)) {
        Reply r = origin == null || s.cors().allows(origin) ? Reply.ok()
            : Reply.error(MicroException.forbidden(ERROR_ID, "origin %s is not allowed"
                + " (expected one of --sidecar_cors)", origin));
        reply(ctx, req, keepAlive, r);
        return;
      }
      if (path.equals("/broker")) {
        s.broker().upgrade(ctx, req, r -> reply(ctx, req, false, r));
        return;
      }
      Route route = s.routes().get(path);
      if (route == null) {
        reply(ctx, req, keepAlive, Reply.error(MicroException.notFound(ERROR_ID,
            "no route for %s (expected one of %s, /broker)", path, s.routes().keySet())));
        return;
      }
      ByteBuf content = req.content();
      byte[] body = content.readableBytes() == 0 ? new byte[0] : ByteBufUtil.getBytes(content);
      Exchange exchange = new Exchange(method, path, q.parameters(), req.headers(), body);
      ctx.channel().config().setAutoRead(false);
      CompletableFuture<Reply> answer;
      try {
        answer = route.handle(exchange);
      } catch (RuntimeException e) {
        answer = CompletableFuture.failedFuture(e);
      }
      answer.orTimeout(s.routeTimeout().toMillis(), TimeUnit.MILLISECONDS)
          .whenComplete((r, t) -> {
            Reply out = r;
            if (t != null) {
              Throwable cause = t instanceof java.util.concurrent.CompletionException && t.getCause() != null
                  ? t.getCause() : t;
              out = cause instanceof java.util.concurrent.RejectedExecutionException
                  ? Reply.error(MicroException.of(ERROR_ID, 503, "sidecar busy: too many requests"
                      + " in progress, try again"))
                  : cause instanceof TimeoutException
                  ? Reply.error(MicroException.timeout(ERROR_ID, "%s %s: no answer within %s",
                      method, path, s.routeTimeout()))
                  : Reply.error(MicroException.from(ERROR_ID, cause));
              if (out.status() == 500) {
                LOG.warn("{} {} failed", method, path, cause);
              }
            }
            write(ctx, method, uri, version, keepAlive, origin, s.cors(), referer, agent, out);
          });
    }

    private void reply(ChannelHandlerContext ctx, FullHttpRequest req, boolean keepAlive, Reply r) {
      write(ctx, req.method(), req.uri(), req.protocolVersion(), keepAlive,
          req.headers().get(HttpHeaderNames.ORIGIN), s.cors(),
          req.headers().get(HttpHeaderNames.REFERER), req.headers().get(HttpHeaderNames.USER_AGENT), r);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof IdleStateEvent) {
        ctx.close();
      } else {
        super.userEventTriggered(ctx, evt);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.debug("connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
      ctx.close();
    }
  }
}
