package io.micro.transport.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a server connection that is idle (no bytes either way) for {@code idleNanos}, or whose
 * current request has not fully arrived {@code requestNanos} after its first byte. Sits first in
 * the pipeline so that it sees raw reads; keeps at most one timer per connection, re-armed lazily.
 */
final class ConnectionTimer extends ChannelDuplexHandler {
  private static final Logger log = LoggerFactory.getLogger(ConnectionTimer.class);

  private final long idleNanos;
  private final long requestNanos;
  private long lastActivity;
  private long requestStart = -1;
  private boolean streaming;
  private @Nullable ChannelHandlerContext ctx;
  private @Nullable ScheduledFuture<?> task;

  ConnectionTimer(long idleNanos, long requestNanos) {
    this.idleNanos = idleNanos;
    this.requestNanos = requestNanos;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    this.ctx = ctx;
    lastActivity = System.nanoTime();
    arm(ctx, Math.min(idleNanos, requestNanos));
    super.channelActive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    long now = System.nanoTime();
    lastActivity = now;
    if (requestStart < 0 && !streaming) {
      requestStart = now;
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
    lastActivity = System.nanoTime();
    ctx.write(msg, promise);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (task != null) {
      task.cancel(false);
      task = null;
    }
    super.channelInactive(ctx);
  }

  /**
   * The connection switched to HTTP/2: from now on only the idle timeout applies (streams bound
   * their own sizes and times). Called on the event loop.
   */
  void streaming() {
    streaming = true;
    requestStart = -1;
  }

  /** The current request arrived completely; called on the event loop. */
  void requestDone() {
    requestStart = -1;
  }

  private void arm(ChannelHandlerContext ctx, long delayNanos) {
    task = ctx.executor().schedule(this::check, Math.max(delayNanos, 1_000_000L), TimeUnit.NANOSECONDS);
  }

  private void check() {
    ChannelHandlerContext c = ctx;
    if (c == null || !c.channel().isActive()) {
      return;
    }
    long now = System.nanoTime();
    if (requestStart >= 0 && now - requestStart >= requestNanos) {
      log.debug("closing {}: request not complete after {} ms", c.channel().remoteAddress(),
          TimeUnit.NANOSECONDS.toMillis(requestNanos));
      c.close();
      return;
    }
    if (requestStart < 0 && now - lastActivity >= idleNanos) {
      log.debug("closing {}: idle for {} ms", c.channel().remoteAddress(), TimeUnit.NANOSECONDS.toMillis(idleNanos));
      c.close();
      return;
    }
    long next = lastActivity + idleNanos - now;
    if (requestStart >= 0) {
      next = Math.min(next, requestStart + requestNanos - now);
    }
    arm(c, next);
  }
}
