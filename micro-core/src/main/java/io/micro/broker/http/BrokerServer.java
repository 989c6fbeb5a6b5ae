package io.micro.broker.http;

import io.micro.errors.MicroException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
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
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The receiving side of the HTTP broker: a small Netty HTTP/1.1 server on one port. It accepts
 * {@code POST <any path>?id=<node id>} with a bounded body and hands it to a {@link Receiver},
 * answering with the receiver's status and error JSON; other methods get 405, oversized bodies 413,
 * both with go-micro's error JSON ({@code id} {@code go.micro.broker}).
 */
final class BrokerServer implements AutoCloseable {
  static final String ERROR_ID = "go.micro.broker";

  /** What the server does with a POST. */
  interface Receiver {
    /** Handles the body sent to node {@code id}; completes with null for 200, else the error. */
    CompletableFuture<MicroException> receive(String id, byte[] body);
  }

  private final EventLoopGroup group;
  private final Channel channel;

  private BrokerServer(EventLoopGroup group, Channel channel) {
    this.group = group;
    this.channel = channel;
  }

  /**
   * Listens on {@code bindTo}.
   *
   * @throws MicroException (503) naming the address when it cannot bind
   */
  static BrokerServer listen(InetSocketAddress bindTo, int maxBody, Receiver receiver) {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
        new DefaultThreadFactory("micro-http-broker", true), NioIoHandler.newFactory());
    ServerBootstrap b = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline()
                .addLast(new HttpServerCodec(4096, 16 * 1024, 8192))
                .addLast(new BoundedAggregator(maxBody))
                .addLast(new Handler(receiver));
          }
        });
    ChannelFuture bind = b.bind(bindTo).awaitUninterruptibly();
    if (!bind.isSuccess()) {
      group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      throw MicroException.of(ERROR_ID, 503, "broker http: cannot listen on "
          + bindTo.getHostString() + ":" + bindTo.getPort() + " (" + bind.cause().getMessage() + ")")
          .withCause(bind.cause());
    }
    return new BrokerServer(group, bind.channel());
  }

  /** The bound address. */
  InetSocketAddress address() {
    return (InetSocketAddress) channel.localAddress();
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
  }

  static FullHttpResponse reply(HttpResponseStatus status, MicroException error) {
    byte[] json = error.toJson().getBytes(StandardCharsets.UTF_8);
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.wrappedBuffer(json));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
    r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, json.length);
    return r;
  }

  /** An aggregator that answers an oversized body with go-micro's error JSON. */
  private static final class BoundedAggregator extends HttpObjectAggregator {
    private final int max;

    BoundedAggregator(int max) {
      super(max);
      this.max = max;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
      long length = HttpUtil.getContentLength(oversized, -1L);
      MicroException e = MicroException.tooLarge(ERROR_ID, "body: %s bytes (expected: <= %d)",
          length < 0 ? "more than " + max : Long.toString(length), max);
      FullHttpResponse r = reply(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, e);
      if (HttpUtil.isKeepAlive(oversized) && !HttpUtil.is100ContinueExpected(oversized)) {
        // answer now; the aggregator discards the rest of the body and the connection stays usable
        ctx.writeAndFlush(r);
      } else {
        ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
      }
    }
  }

  private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final Receiver receiver;

    Handler(Receiver receiver) {
      this.receiver = receiver;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      boolean keepAlive = HttpUtil.isKeepAlive(req);
      if (!HttpMethod.POST.equals(req.method())) {
        MicroException e = MicroException.methodNotAllowed(ERROR_ID, "Method not allowed: %s (expected: POST)",
            req.method().name());
        write(ctx, reply(HttpResponseStatus.METHOD_NOT_ALLOWED, e), keepAlive);
        return;
      }
      List<String> ids = new QueryStringDecoder(req.uri()).parameters().get("id");
      String id = ids == null || ids.isEmpty() ? "" : ids.get(0);
      byte[] body = ByteBufUtil.getBytes(req.content());
      receiver.receive(id, body).whenComplete((error, thrown) -> {
        MicroException e = error;
        if (thrown != null) {
          e = MicroException.from(ERROR_ID, thrown);
        }
        FullHttpResponse r;
        if (e == null) {
          r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
          r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        } else {
          r = reply(HttpResponseStatus.valueOf(e.code() > 0 ? e.code() : 500), e);
        }
        write(ctx, r, keepAlive);
      });
    }

    private static void write(ChannelHandlerContext ctx, FullHttpResponse r, boolean keepAlive) {
      if (keepAlive) {
        HttpUtil.setKeepAlive(r, true);
        ctx.writeAndFlush(r);
      } else {
        ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
