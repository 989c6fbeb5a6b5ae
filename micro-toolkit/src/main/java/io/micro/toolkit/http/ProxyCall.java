package io.micro.toolkit.http;

import io.micro.errors.MicroException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** One proxied exchange: runs on the client connection's event loop from start to end. */
final class ProxyCall implements BackendSink {
  private final HttpProxy proxy;
  private final Exchange ex;
  private final String backend;
  private final DefaultFullHttpRequest out;
  private final boolean upgrade;
  private final Channel client;
  private @Nullable Channel conn;
  private @Nullable ScheduledFuture<?> timer;
  private boolean reused;
  private boolean headSeen;
  private boolean ended;
  private boolean backendKeepAlive = true;
  private int status;
  private long bytes;

  ProxyCall(HttpProxy proxy, Exchange ex, String backend, DefaultFullHttpRequest out, boolean upgrade) {
    this.proxy = proxy;
    this.ex = ex;
    this.backend = backend;
    this.out = out;
    this.upgrade = upgrade;
    this.client = ex.context().channel();
  }

  void start() {
    client.closeFuture().addListener(f -> client.eventLoop().execute(this::clientGone));
    Channel pooled = upgrade ? null : proxy.pooled(backend);
    if (pooled != null) {
      reused = true;
      send(pooled);
      return;
    }
    connect();
  }

  private void connect() {
    reused = false;
    HostPort hp = HostPort.parse(backend);
    proxy.bootstrap(client)
        .handler(new io.netty.channel.ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast("http", proxy.codec());
            ch.pipeline().addLast("relay", new BackendHandler());
          }
        })
        .connect(hp.host().isEmpty() ? "127.0.0.1" : hp.host(), hp.port())
        .addListener((ChannelFutureListener) f -> {
          if (ended) {
            f.channel().close();
          } else if (!f.isSuccess()) {
            fail(proxy.unavailable(backend, f.cause()));
          } else {
            send(f.channel());
          }
        });
  }

  private void send(Channel ch) {
    conn = ch;
    ((BackendHandler) ch.pipeline().get("relay")).call = this;
    timer = client.eventLoop().schedule(() -> {
      if (!headSeen && !ended) {
        fail(MicroException.of(proxy.errorId, 504,
            "backend " + backend + " did not answer within " + proxy.responseTimeout.toMillis() + " ms"));
      }
    }, proxy.responseTimeout.toMillis(), TimeUnit.MILLISECONDS);
    ch.writeAndFlush(out.retainedDuplicate()).addListener((ChannelFutureListener) f -> {
      if (!f.isSuccess()) {
        backendGone(f.cause());
      }
    });
  }

  /** The backend connection failed or closed before the answer ended. */
  @Override
  public void backendGone(@Nullable Throwable cause) {
    if (ended) {
      return;
    }
    if (!headSeen && reused) {
      // a kept-alive connection the backend had closed: try once on a new one
      cancelTimer();
      ((BackendHandler) conn.pipeline().get("relay")).call = null;
      connect();
      return;
    }
    if (!headSeen) {
      fail(proxy.unavailable(backend, cause == null ? new java.io.IOException("connection closed") : cause));
      return;
    }
    // the head was relayed: nothing to answer, the client connection is cut
    end(false);
  }

  private void fail(MicroException e) {
    if (ended) {
      return;
    }
    ended = true;
    cancelTimer();
    out.release();
    if (conn != null) {
      conn.close();
    }
    ex.respond(io.micro.toolkit.http.HttpResponse.error(e));
  }

  @Override
  public void onHead(HttpResponse resp) {
    if (ended) {
      return;
    }
    headSeen = true;
    cancelTimer();
    status = resp.status().code();
    backendKeepAlive = HttpUtil.isKeepAlive(resp);
    if (upgrade && status == 101) {
      tunnel(resp);
      return;
    }
    HttpHeaders h = resp.headers();
    for (String name : HttpProxy.HOP_BY_HOP) {
      if (!name.equals("transfer-encoding")) {
        h.remove(name);
      }
    }
    ex.decorate(h);
    boolean keepAlive = ex.request().keepAlive();
    if (!keepAlive) {
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    client.write(new DefaultHttpResponse(resp.protocolVersion(), resp.status(), h));
  }

  @Override
  public void onContent(HttpContent content) {
    if (ended) {
      return;
    }
    bytes += content.content().readableBytes();
    boolean last = content instanceof LastHttpContent;
    ChannelFuture f = client.writeAndFlush(content.retain());
    if (!client.isWritable() && conn != null) {
      Channel c = conn;
      c.config().setAutoRead(false);
      f.addListener(x -> c.config().setAutoRead(true));
    }
    if (last) {
      ended = true;
      Channel c = conn;
      if (c != null) {
        ((BackendHandler) c.pipeline().get("relay")).call = null;
        c.config().setAutoRead(true);
        if (backendKeepAlive) {
          proxy.release(backend, c);
        } else {
          c.close();
        }
      }
      out.release();
      f.addListener((ChannelFutureListener) x -> ex.finished(status, bytes, x.isSuccess() && ex.request().keepAlive()));
    }
  }

  private void tunnel(HttpResponse resp) {
    ended = true;
    out.release();
    Channel backendCh = conn;
    HttpHeaders h = resp.headers();
    ex.decorate(h);
    client.writeAndFlush(new DefaultFullHttpResponse(resp.protocolVersion(), resp.status(),
        io.netty.buffer.Unpooled.EMPTY_BUFFER, h, EmptyHttpHeaders.INSTANCE)).addListener((ChannelFutureListener) f -> {
          if (!f.isSuccess()) {
            backendCh.close();
            return;
          }
          ex.tunnelled(101, new Pipe(backendCh));
          backendCh.pipeline().addAfter("http", "pipe", new Pipe(client));
          backendCh.pipeline().remove("relay");
          backendCh.pipeline().remove("http");
        });
  }

  private void clientGone() {
    if (!ended) {
      ended = true;
      cancelTimer();
      out.release();
      if (conn != null) {
        conn.close();
      }
    }
  }

  private void end(boolean keep) {
    ended = true;
    cancelTimer();
    out.release();
    if (conn != null && !keep) {
      conn.close();
    }
    ex.finished(status == 0 ? 502 : status, bytes, false);
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  /** The backend connection's reader: hands the answer to the call it currently serves. */
  static final class BackendHandler extends ChannelInboundHandlerAdapter {
    @Nullable BackendSink call;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      BackendSink c = call;
      try {
        if (c == null) {
          return;
        }
        if (msg instanceof HttpResponse head) {
          if (head.decoderResult().isFailure()) {
            c.backendGone(head.decoderResult().cause());
            ctx.close();
            return;
          }
          if (head.status().code() == 100) {
            return;
          }
          c.onHead(head);
        }
        if (msg instanceof HttpContent content) {
          c.onContent(content);
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      BackendSink c = call;
      if (c != null) {
        c.backendGone(null);
      }
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      BackendSink c = call;
      if (c != null) {
        c.backendGone(cause);
      }
      ctx.close();
    }
  }

  /** Copies raw bytes to the other side of a tunnel; closing one side closes the other. */
  static final class Pipe extends ChannelInboundHandlerAdapter {
    private final Channel other;

    Pipe(Channel other) {
      this.other = other;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf buf) {
        other.writeAndFlush(buf).addListener((ChannelFutureListener) f -> {
          if (!f.isSuccess()) {
            ctx.close();
          }
        });
        if (!other.isWritable()) {
          ctx.channel().config().setAutoRead(false);
        }
      } else {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (ctx.channel().isWritable()) {
        other.config().setAutoRead(true);
      }
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      other.close();
    }

    /** The client shut down its sending side (the server allows half-closed connections): the end. */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof io.netty.channel.socket.ChannelInputShutdownEvent) {
        ctx.close();
      } else {
        ctx.fireUserEventTriggered(evt);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
