package io.micro.toolkit.http;

import io.micro.errors.MicroException;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** One request to a backend whose whole answer is collected (see {@link HttpProxy#exchange}). */
final class BackendCall implements BackendSink {
  private final HttpProxy proxy;
  private final Channel client;
  private final String backend;
  private final DefaultFullHttpRequest out;
  private final Duration timeout;
  private final int maxBody;
  final CompletableFuture<HttpProxy.Answer> result = new CompletableFuture<>();
  private @Nullable Channel conn;
  private @Nullable ScheduledFuture<?> timer;
  private @Nullable CompositeByteBuf body;
  private @Nullable HttpResponse head;
  private boolean reused;
  private boolean done;

  BackendCall(HttpProxy proxy, Channel client, String backend, DefaultFullHttpRequest out, Duration timeout, int maxBody) {
    this.proxy = proxy;
    this.client = client;
    this.backend = backend;
    this.out = out;
    this.timeout = timeout;
    this.maxBody = maxBody;
  }

  /** Starts; must run on {@code client}'s event loop. */
  void start() {
    timer = client.eventLoop().schedule(() -> fail(MicroException.of(proxy.errorId, 504,
        "backend " + backend + " did not answer within " + timeout.toMillis() + " ms"), true),
        timeout.toMillis(), TimeUnit.MILLISECONDS);
    Channel pooled = proxy.pooled(backend);
    if (pooled != null) {
      reused = true;
      send(pooled);
    } else {
      connect();
    }
  }

  private void connect() {
    reused = false;
    HostPort hp = HostPort.parse(backend);
    proxy.bootstrap(client)
        .handler(new io.netty.channel.ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast("http", proxy.codec());
            ch.pipeline().addLast("relay", new ProxyCall.BackendHandler());
          }
        })
        .connect(hp.host().isEmpty() ? "127.0.0.1" : hp.host(), hp.port())
        .addListener((ChannelFutureListener) f -> {
          if (done) {
            f.channel().close();
          } else if (!f.isSuccess()) {
            fail(proxy.unavailable(backend, f.cause()), false);
          } else {
            send(f.channel());
          }
        });
  }

  private void send(Channel ch) {
    conn = ch;
    ((ProxyCall.BackendHandler) ch.pipeline().get("relay")).call = this;
    // the same head (not a copy: the encoder only reads it) over a duplicate of the body, which
    // stays whole for a resend on a new connection
    DefaultFullHttpRequest sent = new DefaultFullHttpRequest(out.protocolVersion(), out.method(), out.uri(),
        out.content().retainedDuplicate(), out.headers(), out.trailingHeaders());
    ch.writeAndFlush(sent).addListener((ChannelFutureListener) f -> {
      if (!f.isSuccess()) {
        backendGone(f.cause());
      }
    });
  }

  @Override
  public void onHead(HttpResponse h) {
    head = h;
  }

  @Override
  public void onContent(HttpContent content) {
    if (done || head == null) {
      return;
    }
    if (content instanceof LastHttpContent && body == null && content.content().readableBytes() <= maxBody) {
      // the whole body in one piece (the common case): copied out at once, no composite buffer
      finish(io.netty.buffer.ByteBufUtil.getBytes(content.content()));
      return;
    }
    if (content.content().isReadable()) {
      if (body == null) {
        body = client.alloc().compositeBuffer(16);
      }
      if (body.readableBytes() + content.content().readableBytes() > maxBody) {
        fail(MicroException.of(proxy.errorId, 502, "backend " + backend + " answered more than " + maxBody + " bytes"), true);
        return;
      }
      body.addComponent(true, content.content().retain());
    }
    if (content instanceof LastHttpContent) {
      byte[] bytes = new byte[body == null ? 0 : body.readableBytes()];
      if (body != null) {
        body.readBytes(bytes);
        body.release();
        body = null;
      }
      finish(bytes);
    }
  }

  /** Completes with the answer of {@code head} and {@code bytes}; hands the connection back. */
  private void finish(byte[] bytes) {
    HttpResponse head = this.head;
    if (head == null) {
      return;
    }
    done = true;
    cancelTimer();
    Channel c = conn;
    if (c != null) {
      ((ProxyCall.BackendHandler) c.pipeline().get("relay")).call = null;
      if (HttpUtil.isKeepAlive(head)) {
        proxy.release(backend, c);
      } else {
        c.close();
      }
    }
    out.release();
    result.complete(new HttpProxy.Answer(head.status().code(), head.headers(), bytes));
  }

  @Override
  public void backendGone(@Nullable Throwable cause) {
    if (done) {
      return;
    }
    if (head == null && reused) {
      // a kept-alive connection the backend had closed: once more on a new one
      if (conn != null) {
        ((ProxyCall.BackendHandler) conn.pipeline().get("relay")).call = null;
      }
      connect();
      return;
    }
    fail(proxy.unavailable(backend, cause == null ? new java.io.IOException("connection closed") : cause), true);
  }

  private void fail(MicroException e, boolean closeConn) {
    if (done) {
      return;
    }
    done = true;
    cancelTimer();
    if (body != null) {
      body.release();
      body = null;
    }
    out.release();
    if (conn != null && closeConn) {
      conn.close();
    }
    result.completeExceptionally(e);
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
