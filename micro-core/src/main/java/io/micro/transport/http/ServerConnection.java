package io.micro.transport.http;

import io.micro.errors.MicroException;
import io.micro.transport.Listener;
import io.micro.transport.Message;
import io.micro.transport.Socket;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of one connection: turns each HTTP request into a {@link Message} for the
 * listener's handler, and writes each sent message as {@code HTTP/1.1 200 OK} echoing the first
 * request's headers. Bodies over the limit are discarded as they arrive and answered with a 413;
 * malformed HTTP gets a 400 and the connection is closed. A first request asking for
 * {@code Upgrade: h2c} goes to {@link H2cUpgrade} instead.
 */
final class ServerConnection extends ChannelInboundHandlerAdapter implements Socket {
  private static final Logger log = LoggerFactory.getLogger(ServerConnection.class);
  private static final String ERROR_ID = "go.micro.server";

  private final Channel channel;
  private final Listener.Handler handler;
  private final ConnectionTimer timer;
  private final BodyBuffer body;
  private final int maxMessageSize;
  private final String local;
  private final String remote;
  private volatile Map<String, String> echo = Map.of();
  private volatile boolean closeAfterReply;
  private Map<String, String> headers = Map.of();
  private boolean first = true;
  private boolean keepAlive = true;
  private boolean failed;
  private @Nullable H2cUpgrade upgrade;
  private boolean upgrading;

  ServerConnection(Channel channel, Listener.Handler handler, ConnectionTimer timer, int maxMessageSize,
      @Nullable H2cUpgrade upgrade) {
    this.upgrade = upgrade;
    this.channel = channel;
    this.handler = handler;
    this.timer = timer;
    this.maxMessageSize = maxMessageSize;
    this.body = new BodyBuffer(maxMessageSize);
    this.local = Wire.address(channel.localAddress());
    this.remote = Wire.address(channel.remoteAddress());
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (upgrade != null && msg instanceof HttpRequest r) {
      if (upgradeFirst(ctx, r)) { // only the first request may upgrade; later ones skip this
        return;
      }
    } else if (upgrading) {
      upgrading = false; // the upgrade handler passed the request on: the upgrade was refused
      H2cUpgrade.uninstall(ctx);
    }
    try {
      if (failed || !(msg instanceof HttpObject http)) {
        return;
      }
      DecoderResult result = http.decoderResult();
      if (result.isFailure()) {
        badRequest(result.cause());
        return;
      }
      if (msg instanceof HttpRequest request) {
        startRequest(request);
      }
      if (!failed && msg instanceof HttpContent content) {
        body.append(content.content());
        if (msg instanceof LastHttpContent) {
          endRequest();
        }
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  /**
   * The first request of the connection asks for an upgrade: {@code h2c} is handed to
   * {@link H2cUpgrade} (true: the request went there); later requests, other protocols: false.
   */
  private boolean upgradeFirst(ChannelHandlerContext ctx, HttpRequest request) {
    H2cUpgrade u = upgrade;
    upgrade = null;
    if (u == null || !first || !request.headers().contains(HttpHeaderNames.UPGRADE)
        || !H2cUpgrade.requested(request)) {
      return false;
    }
    ChannelHandlerContext decoder = ctx.pipeline().context(HttpRequestDecoder.class);
    if (decoder == null) {
      return false;
    }
    u.install(ctx.pipeline(), decoder.name(), ctx.name());
    upgrading = true;
    decoder.fireChannelRead(request); // on to the upgrade handler, now between decoder and here
    return true;
  }

  private void startRequest(HttpRequest request) {
    headers = Wire.headers(request.headers());
    keepAlive = HttpUtil.isKeepAlive(request);
    long length = HttpUtil.getContentLength(request, -1L);
    body.start(length);
    if (HttpUtil.is100ContinueExpected(request)) {
      if (length > maxMessageSize) {
        // the client waits for a verdict before sending the body: refuse now and close
        failed = true;
        writeError(MicroException.tooLarge(ERROR_ID, "body: %d bytes (expected: <= %d)", length,
            maxMessageSize), true);
        return;
      }
      channel.writeAndFlush(Wire.continueResponse(channel.alloc()), channel.voidPromise());
    }
    if (first) {
      first = false;
      echo = headers;
    }
  }

  private void endRequest() {
    timer.requestDone();
    if (!keepAlive) {
      closeAfterReply = true;
    }
    if (body.overflow()) {
      MicroException tooLarge = MicroException.tooLarge(ERROR_ID, "body: %d bytes (expected: <= %d)",
          body.length(), maxMessageSize);
      body.take();
      writeError(tooLarge, !keepAlive);
      return;
    }
    Message message = new Message(headers, body.take());
    headers = Map.of();
    try {
      handler.onMessage(this, message);
    } catch (RuntimeException e) {
      log.warn("listener handler failed on a message from {}", remote, e);
    }
  }

  private void badRequest(Throwable cause) {
    failed = true;
    String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    writeError(MicroException.badRequest(ERROR_ID, "malformed HTTP request: %s", reason), true);
  }

  private void writeError(MicroException error, boolean close) {
    var future = channel.writeAndFlush(Wire.error(channel.alloc(), error, close));
    if (close) {
      future.addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** Writes {@code HTTP/1.1 200 OK} with the echoed first-request headers overlaid by the message's. */
  @Override
  public CompletableFuture<Void> send(Message message) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (!channel.isActive() || channel.eventLoop().isShuttingDown()) {
      done.completeExceptionally(MicroException.internalServerError(ERROR_ID,
          "connection error: connection to %s closed", remote));
      return done;
    }
    var future = channel.writeAndFlush(Wire.response(channel.alloc(), echo, message.headers(), message.body()));
    boolean close = closeAfterReply;
    future.addListener(f -> {
      if (close) {
        channel.close();
      }
      if (f.isSuccess()) {
        done.complete(null);
      } else {
        done.completeExceptionally(MicroException.internalServerError(ERROR_ID,
            "connection error: write %s: %s", remote, f.cause()).withCause(f.cause()));
      }
    });
    return done;
  }

  /** Not supported: a server socket's messages go to the listener's handler. */
  @Override
  public CompletableFuture<Message> receive(Duration timeout) {
    return CompletableFuture.failedFuture(
        new IllegalStateException("receive: not supported on the server side of " + local));
  }

  /** Sets Netty's auto-read: off stops reading the socket, so TCP pushes back on the peer. */
  @Override
  public void reading(boolean on) {
    channel.config().setAutoRead(on);
  }

  @Override
  public boolean isOpen() {
    return channel.isActive();
  }

  @Override
  public String local() {
    return local;
  }

  @Override
  public String remote() {
    return remote;
  }

  @Override
  public void close() {
    channel.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    try {
      handler.onClose(this);
    } catch (RuntimeException e) {
      log.warn("listener close handler failed for {}", remote, e);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("closing connection from {}: {}", remote, cause.toString());
    ctx.close();
  }

  @Override
  public String toString() {
    return "http socket " + local + " <- " + remote;
  }
}
