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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Feeds the frames of an accepted websocket to its {@link WebSocketHandler}. */
final class WebSocketBridge extends ChannelInboundHandlerAdapter implements WebSocketSession {
  private static final Logger LOG = LoggerFactory.getLogger(WebSocketBridge.class);

  private final WebSocketHandler handler;
  private final HttpRequest request;
  private final WebSocketServerHandshaker handshaker;
  private final int maxMessage;
  private ChannelHandlerContext ctx;
  private boolean closed;
  private int closeCode = 1006;
  private String closeReason = "";

  WebSocketBridge(WebSocketHandler handler, HttpRequest request, WebSocketServerHandshaker handshaker, int maxMessage) {
    this.handler = handler;
    this.request = request;
    this.handshaker = handshaker;
    this.maxMessage = maxMessage;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    ctx.pipeline().addBefore(ctx.name(), "ws-aggregator", new WebSocketFrameAggregator(maxMessage));
    try {
      handler.onOpen(this);
    } catch (RuntimeException e) {
      LOG.warn("websocket handler failed on open", e);
      close(1011, "internal error");
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
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

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
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
