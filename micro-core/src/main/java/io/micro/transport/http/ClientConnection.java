package io.micro.transport.http;

import io.micro.errors.MicroException;
import io.micro.transport.Message;
import io.micro.transport.Socket;
import io.micro.transport.spi.ReceiveQueue;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The client side of one connection: each sent message is a {@code POST /}; each response becomes
 * the next message for {@link #receive(Duration)}, or an error when its status is not 200 (the
 * {@code Micro-Error} it carried, else {@code "<status>: <body>"}).
 */
final class ClientConnection extends ChannelInboundHandlerAdapter implements Socket {
  private static final String ERROR_ID = "go.micro.client";
  static final int PAUSE_AT = 16;
  static final int RESUME_BELOW = 8;

  private final Channel channel;
  private final String address;
  private final String local;
  private final ReceiveQueue inbox;
  private final BodyBuffer body;
  private final int maxMessageSize;
  private Map<String, String> headers = Map.of();
  private int status;
  private String reason = "";
  private boolean failed;

  ClientConnection(Channel channel, String address, int maxMessageSize) {
    this.channel = channel;
    this.address = address;
    this.local = Wire.address(channel.localAddress());
    this.maxMessageSize = maxMessageSize;
    this.inbox = new ReceiveQueue(channel.eventLoop(), address);
    this.body = new BodyBuffer(maxMessageSize);
  }

  /** Writes the message as {@code POST / HTTP/1.1} with {@code Host} and {@code Content-Length}. */
  @Override
  public CompletableFuture<Void> send(Message message) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (!channel.isActive() || channel.eventLoop().isShuttingDown()) {
      done.completeExceptionally(closed());
      return done;
    }
    channel.writeAndFlush(Wire.request(channel.alloc(), address, message.headers(), message.body()))
        .addListener(f -> {
          if (f.isSuccess()) {
            done.complete(null);
          } else {
            done.completeExceptionally(MicroException.internalServerError(ERROR_ID,
                "connection error: write %s: %s", address, f.cause().getMessage()).withCause(f.cause()));
          }
        });
    return done;
  }

  /**
   * The next message. Reading from the server pauses while {@value #PAUSE_AT} messages wait (a
   * stream whose consumer is slow) and resumes once fewer than {@value #RESUME_BELOW} do, so TCP
   * pushes back on the server instead of this queue growing.
   */
  @Override
  public CompletableFuture<Message> receive(Duration timeout) {
    CompletableFuture<Message> next = inbox.receive(timeout);
    if (!channel.config().isAutoRead() && inbox.size() < RESUME_BELOW) {
      channel.config().setAutoRead(true);
    }
    return next;
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
    return address;
  }

  @Override
  public void close() {
    channel.close();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (failed || !(msg instanceof HttpObject http)) {
        return;
      }
      DecoderResult result = http.decoderResult();
      if (result.isFailure()) {
        failed = true;
        inbox.fail(MicroException.internalServerError(ERROR_ID, "connection error: malformed response from %s: %s",
            address, result.cause().getMessage()).withCause(result.cause()));
        ctx.close();
        return;
      }
      if (msg instanceof HttpResponse response) {
        status = response.status().code();
        reason = response.status().reasonPhrase();
        headers = Wire.headers(response.headers());
        body.start(HttpUtil.getContentLength(response, -1L));
      }
      if (msg instanceof HttpContent content) {
        body.append(content.content());
        if (msg instanceof LastHttpContent) {
          endResponse();
        }
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void endResponse() {
    if (body.overflow()) {
      long length = body.length();
      body.take();
      inbox.offerError(MicroException.internalServerError(ERROR_ID,
          "response body from %s: %d bytes (expected: <= %d)", address, length, maxMessageSize));
      return;
    }
    byte[] data = body.take();
    if (status == 200) {
      inbox.offer(new Message(headers, data));
      if (inbox.size() >= PAUSE_AT) {
        channel.config().setAutoRead(false);
        if (inbox.size() < RESUME_BELOW) { // the receiver drained it meanwhile: it will not resume
          channel.config().setAutoRead(true);
        }
      }
      return;
    }
    String error = headers.get("Micro-Error");
    inbox.offerError(error != null && !error.isEmpty()
        ? MicroException.parse(error)
        : MicroException.internalServerError(ERROR_ID, "%d %s: %s", status, reason,
            new String(data, StandardCharsets.UTF_8)));
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    inbox.fail(closed());
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    inbox.fail(MicroException.internalServerError(ERROR_ID, "connection error: read %s: %s",
        address, cause.getMessage()).withCause(cause));
    ctx.close();
  }

  private MicroException closed() {
    return MicroException.internalServerError(ERROR_ID, "connection error: connection to %s closed", address);
  }

  @Override
  public String toString() {
    return "http socket " + local + " -> " + address;
  }
}
