package io.micro.toolkit.http;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the frames of an accepted websocket to its {@link WebSocketHandler}, answers pings, and
 * pings the peer every interval: a peer from which nothing arrived for two intervals is closed
 * with 1001.
 */
final class WebSocketBridge extends ChannelInboundHandlerAdapter implements WebSocketSession {
  private static final Logger LOG = LoggerFactory.getLogger(WebSocketBridge.class);

  private final WebSocketHandler handler;
  private final HttpRequest request;
  private final WebSocketServerHandshaker handshaker;
  private final int maxMessage;
  private final long pingNanos;
  private long lastRead = System.nanoTime();
  private @Nullable ScheduledFuture<?> pinger;
  private ChannelHandlerContext ctx;
  private boolean closed;
  private int closeCode = 1006;
  private String closeReason = "";

  /** @param pingNanos the ping interval, 0 for none */
  WebSocketBridge(WebSocketHandler handler, HttpRequest request, WebSocketServerHandshaker handshaker,
      int maxMessage, long pingNanos) {
    this.handler = handler;
    this.request = request;
    this.handshaker = handshaker;
    this.maxMessage = maxMessage;
    this.pingNanos = pingNanos;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    ctx.pipeline().addBefore(ctx.name(), "ws-aggregator", new WebSocketFrameAggregator(maxMessage));
    if (pingNanos > 0) {
      pinger = ctx.executor().scheduleAtFixedRate(this::ping, pingNanos, pingNanos, TimeUnit.NANOSECONDS);
    }
    try {
      handler.onOpen(this);
    } catch (RuntimeException e) {
      LOG.warn("websocket handler failed on open", e);
      close(1011, "internal error");
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    lastRead = System.nanoTime();
    try {
      if (msg instanceof TextWebSocketFrame t) {
        handler.onText(this, t.text());
      } else if (msg instanceof BinaryWebSocketFrame b) {
        handler.onBinary(this, ByteBufUtil.getBytes(b.content()));
      } else if (msg instanceof PingWebSocketFrame p) {
        ctx.writeAndFlush(new PongWebSocketFrame(p.content().retain()));
      } else if (msg instanceof CloseWebSocketFrame c) {
        closeCode = c.statusCode() < 0 ? 1005 : c.statusCode();
        closeReason = c.reasonText() == null ? "" : c.reasonText();
        handshaker.close(ctx.channel(), c.retain());
      }
    } catch (RuntimeException e) {
      LOG.warn("websocket handler failed", e);
      close(1011, "internal error");
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  /** The peer shut down its sending side without a close frame (the server allows half-closed connections). */
  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof io.netty.channel.socket.ChannelInputShutdownEvent) {
      ctx.close();
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (pinger != null) {
      pinger.cancel(false);
    }
    fireClose();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof TooLongFrameException || cause instanceof io.netty.handler.codec.MessageAggregationException) {
      close(WebSocketCloseStatus.MESSAGE_TOO_BIG.code(), "message larger than " + maxMessage + " bytes");
      return;
    }
    LOG.debug("websocket {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }

  /** On the event loop, every interval: a ping, or the end of a peer that stopped answering. */
  private void ping() {
    if (!ctx.channel().isActive()) {
      return;
    }
    long silent = System.nanoTime() - lastRead;
    if (silent >= 2 * pingNanos) {
      String reason = "nothing received for " + TimeUnit.NANOSECONDS.toMillis(silent) + " ms, not even a pong";
      LOG.debug("websocket {}: {}", ctx.channel().remoteAddress(), reason);
      if (closeCode == 1006) {
        closeCode = 1001;
        closeReason = reason;
      }
      ctx.channel().writeAndFlush(new CloseWebSocketFrame(1001, "no pong")); // a vanished peer reads nothing:
      ctx.channel().close(); // the socket closes at once rather than waiting for its close frame
      return;
    }
    ctx.writeAndFlush(new PingWebSocketFrame());
  }

  private void fireClose() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      handler.onClose(this, closeCode, closeReason);
    } catch (RuntimeException e) {
      LOG.warn("websocket handler failed on close", e);
    }
  }

  @Override
  public CompletionStage<Void> sendText(String text) {
    return send(ctx.channel().writeAndFlush(new TextWebSocketFrame(text)));
  }

  @Override
  public CompletionStage<Void> sendBinary(byte[] data) {
    return send(ctx.channel().writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(data))));
  }

  private static CompletionStage<Void> send(ChannelFuture f) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    f.addListener(x -> {
      if (x.isSuccess()) {
        done.complete(null);
      } else {
        done.completeExceptionally(x.cause());
      }
    });
    return done;
  }

  @Override
  public void close(int code, String reason) {
    if (!ctx.channel().isActive()) {
      return;
    }
    if (ctx.executor().inEventLoop()) {
      if (closeCode == 1006) {
        closeCode = code;
        closeReason = reason;
      }
      ctx.channel().writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.executor().execute(() -> close(code, reason));
    }
  }

  @Override
  public boolean isOpen() {
    return ctx.channel().isActive() && !closed;
  }

  @Override
  public String subprotocol() {
    String s = handshaker.selectedSubprotocol();
    return s == null ? "" : s;
  }

  @Override
  public HttpRequest request() {
    return request;
  }
}
