package io.micro.toolkit.sidecar;

import io.micro.broker.Broker;
import io.micro.broker.Delivery;
import io.micro.broker.Event;
import io.micro.broker.Subscription;
import io.micro.broker.spi.GoMicroMessage;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code /broker} websocket: publishes the client's messages in the order they came (at most
 * {@value #MAX_PENDING} waiting, then reading pauses) and pushes the subscription's events.
 */
final class BrokerSocket extends SimpleChannelInboundHandler<WebSocketFrame> {
  private static final Logger LOG = LoggerFactory.getLogger(BrokerSocket.class);
  private static final int MAX_PENDING = 64;
  private static final long WRITE_TIMEOUT_MS = 10_000;

  private final Broker broker;
  private final String topic;
  private final Executor executor;
  private final WebSocketServerHandshaker handshaker;
  private final AtomicInteger pending = new AtomicInteger();
  private volatile @Nullable Channel channel;
  private volatile @Nullable Subscription subscription;
  private volatile boolean closed;
  private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

  BrokerSocket(Broker broker, String topic, Executor executor, WebSocketServerHandshaker handshaker) {
    this.broker = broker;
    this.topic = topic;
    this.executor = executor;
    this.handshaker = handshaker;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
    ctx.channel().closeFuture().addListener(f -> unsubscribe());
  }

  /** Keeps the subscription, or drops it at once when the socket closed meanwhile. */
  void subscribed(Subscription sub) {
    subscription = sub;
    if (closed) {
      unsubscribe();
    }
  }

  /** Closes the socket with {@code status} and {@code reason} (trimmed to fit a close frame). */
  void fail(int status, String reason) {
    Channel ch = channel;
    if (ch == null) {
      return;
    }
    String r = reason.length() > 120 ? reason.substring(0, 120) : reason;
    LOG.warn("/broker?topic={}: closing {} ({} {})", topic, ch.remoteAddress(), status, reason);
    ch.writeAndFlush(new CloseWebSocketFrame(status, r)).addListener(ChannelFutureListener.CLOSE);
  }

  /** Sends one event to the client; waits while the client's buffer is full, at most 10 s. */
  void push(Delivery delivery) throws InterruptedException {
    Channel ch = channel;
    if (ch == null || !ch.isActive()) {
      return;
    }
    byte[] json = GoMicroMessage.encode(delivery.event());
    ChannelFuture f = ch.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(json)));
    if (!ch.isWritable() && !ch.eventLoop().inEventLoop()
        && !f.await(WRITE_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
      fail(1008, "client too slow: events not read within 10 s");
    }
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
    if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
      publish(ctx, ByteBufUtil.getBytes(frame.content()));
    } else if (frame instanceof PingWebSocketFrame) {
      ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
    } else if (frame instanceof CloseWebSocketFrame) {
      handshaker.close(ctx.channel(), (CloseWebSocketFrame) frame.retain());
    }
  }

  private void publish(ChannelHandlerContext ctx, byte[] body) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(Event.ID, UUID.randomUUID().toString());
    headers.put(Event.TOPIC, topic);
    Event event = Event.of(headers, body);
    if (pending.incrementAndGet() >= MAX_PENDING) {
      ctx.channel().config().setAutoRead(false);
    }
    tail = tail.thenRunAsync(() -> {
      try {
        broker.publish(topic, event);
      } catch (RuntimeException e) {
        LOG.warn("/broker?topic={}: publish failed: {}", topic, e.getMessage());
      } finally {
        if (pending.decrementAndGet() == MAX_PENDING / 2) {
          ctx.channel().config().setAutoRead(true);
        }
      }
    }, executor);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent e) {
      if (e.state() == IdleState.READER_IDLE) {
        fail(1001, "nothing received for 60 s");
      } else if (e.state() == IdleState.ALL_IDLE) {
        ctx.writeAndFlush(new PingWebSocketFrame());
      }
    } else {
      super.userEventTriggered(ctx, evt);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof TooLongFrameException) {
      fail(1009, cause.getMessage() == null ? "message too big" : cause.getMessage());
    } else if (cause instanceof CorruptedWebSocketFrameException) {
      ctx.close(); // the decoder has sent the close frame with its status (1009 for a big frame)
    } else {
      LOG.debug("/broker?topic={}: {}", topic, cause.toString());
      ctx.close();
    }
  }

  private void unsubscribe() {
    closed = true;
    Subscription sub = subscription;
    subscription = null;
    if (sub != null) {
      executor.execute(() -> {
        try {
          sub.unsubscribe();
        } catch (RuntimeException e) {
          LOG.debug("/broker?topic={}: unsubscribe failed: {}", topic, e.toString());
        }
      });
    }
  }
}
