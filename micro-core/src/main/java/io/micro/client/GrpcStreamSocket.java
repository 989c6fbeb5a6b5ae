package io.micro.client;

import io.micro.errors.MicroException;
import io.micro.grpc.GrpcMessageReader;
import io.micro.grpc.GrpcStatus;
import io.micro.transport.Message;
import io.micro.transport.Socket;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * One gRPC call on its own HTTP/2 stream, seen as a {@link Socket} so that {@link MucpStream} gives
 * it the same {@link ClientStream} semantics as a mucp stream. Outgoing messages become
 * length-prefixed DATA frames (their write futures complete only when HTTP/2 flow control let them
 * out, which bounds {@link MucpStream}'s outstanding sends); {@code Micro-Error: EOS} becomes an
 * empty DATA frame with END_STREAM; any other {@code Micro-Error} (cancel, deadline) becomes
 * {@code RST_STREAM CANCEL}. Incoming messages are buffered up to {@value #BUFFERED}, beyond which
 * the stream stops reading (so the peer's HTTP/2 window closes); {@code grpc-status: 0} ends the
 * stream with {@code Micro-Error: EOS}, another status fails the pending receive with the micro
 * error it stands for ({@link GrpcStatus#toMicro}). No placeholder message exists in gRPC.
 */
final class GrpcStreamSocket extends ChannelInboundHandlerAdapter implements Socket {
  static final int BUFFERED = 4;
  private static final Map<String, String> EOS = Map.of("Micro-Error", MucpStream.EOS);

  private final String address;
  private final int maxMessageSize;
  private final ArrayDeque<Object> received = new ArrayDeque<>(); // Message, or the terminal Throwable
  private @Nullable CompletableFuture<Message> waiting;
  private volatile @Nullable Http2StreamChannel stream;
  private final GrpcMessageReader reader;
  private boolean headersSeen;
  private boolean terminal;

  GrpcStreamSocket(String address, int maxMessageSize) {
    this.address = address;
    this.maxMessageSize = maxMessageSize;
    this.reader = new GrpcMessageReader(maxMessageSize);
  }

  /** Binds the opened HTTP/2 stream and sends the request headers (the call starts at once). */
  CompletableFuture<Void> open(Http2StreamChannel channel, Http2Headers headers) {
    stream = channel;
    return future(channel.writeAndFlush(new DefaultHttp2HeadersFrame(headers)));
  }

  @Override
  public CompletableFuture<Void> send(Message message) {
    Http2StreamChannel ch = stream;
    if (ch == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("grpc stream not open"));
    }
    String error = message.header("Micro-Error");
    if (error != null && !error.isEmpty()) {
      if (error.equals(MucpStream.EOS)) {
        return future(ch.writeAndFlush(new DefaultHttp2DataFrame(true)));
      }
      ch.close(); // RST_STREAM CANCEL
      return CompletableFuture.completedFuture(null);
    }
    byte[] body = message.body();
    if (body.length > maxMessageSize) {
      return CompletableFuture.failedFuture(MicroException.tooLarge(RetryPolicy.CLIENT_ID,
          "grpc message to %s: %d bytes (expected: <= %d)", address, body.length, maxMessageSize));
    }
    ByteBuf frame = ch.alloc().buffer(5 + body.length);
    frame.writeByte(0).writeInt(body.length).writeBytes(body);
    return future(ch.writeAndFlush(new DefaultHttp2DataFrame(frame, false)));
  }

  private CompletableFuture<Void> future(io.netty.channel.ChannelFuture f) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    f.addListener(r -> {
      if (r.isSuccess()) {
        done.complete(null);
      } else {
        done.completeExceptionally(ClientErrors.connection(address, r.cause()));
      }
    });
    return done;
  }

  @Override
  public CompletableFuture<Message> receive(Duration timeout) {
    CompletableFuture<Message> f = new CompletableFuture<>();
    boolean resume;
    synchronized (this) {
      Object next = received.poll();
      if (next == null) {
        waiting = f;
      } else if (next instanceof Message m) {
        f.complete(m);
      } else {
        received.addFirst(next); // the end stays for any later receive
        f.completeExceptionally((Throwable) next);
      }
      resume = received.size() < BUFFERED;
    }
    Http2StreamChannel ch = stream;
    if (resume && ch != null && !ch.config().isAutoRead()) {
      ch.config().setAutoRead(true);
    }
    return f;
  }

  /** Hands {@code item} (a Message or the terminal error) to the pending receive or buffers it. */
  private void offer(ChannelHandlerContext ctx, Object item) {
    CompletableFuture<Message> w;
    synchronized (this) {
      if (terminal) {
        return;
      }
      terminal = !(item instanceof Message) || EOS.equals(((Message) item).headers());
      w = waiting;
      waiting = null;
      if (w == null) {
        received.add(item);
        if (received.size() >= BUFFERED) {
          ctx.channel().config().setAutoRead(false);
        }
      } else if (!(item instanceof Message)) {
        received.add(item); // the error stays, so that a later receive sees the end again
      }
    }
    if (w != null) {
      if (item instanceof Message m) {
        w.complete(m);
      } else {
        w.completeExceptionally((Throwable) item);
      }
    }
    if (terminal) {
      release();
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof Http2HeadersFrame f) {
        Http2Headers h = f.headers();
        if (!headersSeen) {
          headersSeen = true;
          CharSequence status = h.status();
          if (status != null && !"200".contentEquals(status) && h.get("grpc-status") == null) {
            offer(ctx, MicroException.of(RetryPolicy.CLIENT_ID, GrpcClientCall.httpToMicro(status.toString()),
                "grpc stream to " + address + ": HTTP status " + status + " (expected: 200)"));
            ctx.close();
            return;
          }
        }
        if (f.isEndStream() || h.get("grpc-status") != null) {
          trailers(ctx, h);
        }
      } else if (msg instanceof Http2DataFrame d) {
        data(ctx, d.content());
        if (d.isEndStream()) {
          offer(ctx, MicroException.internalServerError(RetryPolicy.CLIENT_ID,
              "grpc stream to %s ended without grpc-status trailers", address));
        }
      } else if (msg instanceof Http2ResetFrame r) {
        offer(ctx, r.errorCode() == 8 // CANCEL
            ? MicroException.of(RetryPolicy.CLIENT_ID, 499, "grpc stream to " + address + ": cancelled by the server",
                "Client Closed Request")
            : MicroException.internalServerError(RetryPolicy.CLIENT_ID,
                "connection error: grpc stream to %s reset (HTTP/2 error %d)", address, r.errorCode()));
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void data(ChannelHandlerContext ctx, ByteBuf content) {
    synchronized (this) {
      if (terminal) {
        return;
      }
    }
    reader.append(ctx.alloc(), content);
    try {
      for (byte[] m = reader.next(); m != null; m = reader.next()) {
        offer(ctx, new Message(Map.of(), m));
      }
    } catch (GrpcMessageReader.BadPrefix e) {
      offer(ctx, ClientErrors.badPrefix(e, "grpc stream from " + address));
      ctx.close();
    }
  }

  private void trailers(ChannelHandlerContext ctx, Http2Headers h) {
    int code = GrpcStatus.parse(h.get("grpc-status"));
    if (code == GrpcStatus.OK) {
      if (reader.partial() > 0) {
        offer(ctx, MicroException.internalServerError(RetryPolicy.CLIENT_ID,
            "grpc stream from %s: status OK inside a message (expected: whole messages)", address));
        return;
      }
      offer(ctx, new Message(EOS, new byte[0]));
      return;
    }
    CharSequence text = h.get("grpc-message");
    String decoded = text == null ? "" : GrpcStatus.decodeMessage(text.toString());
    offer(ctx, GrpcStatus.toMicro(code, decoded, RetryPolicy.CLIENT_ID));
  }

  private synchronized void release() {
    reader.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    offer(ctx, MicroException.internalServerError(RetryPolicy.CLIENT_ID,
        "connection error: grpc stream to %s closed before its end", address));
    release();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    offer(ctx, ClientErrors.connection(address, cause));
    ctx.close();
  }

  @Override
  public boolean isOpen() {
    Http2StreamChannel ch = stream;
    return ch != null && ch.isActive();
  }

  @Override
  public String local() {
    Http2StreamChannel ch = stream;
    return ch == null ? "" : String.valueOf(ch.parent().localAddress());
  }

  @Override
  public String remote() {
    return address;
  }

  @Override
  public void close() {
    Http2StreamChannel ch = stream;
    if (ch != null) {
      ch.close();
    }
  }

  @Override
  public String toString() {
    return "grpc stream to " + address;
  }
}
