package io.micro.transport.http;

import io.micro.errors.MicroException;
import io.micro.grpc.GrpcMessageReader;
import io.micro.grpc.GrpcStatus;
import io.micro.grpc.GrpcWire;
import io.micro.metadata.Metadata;
import io.micro.transport.Listener;
import io.micro.transport.Message;
import io.micro.transport.Socket;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gRPC call on one HTTP/2 stream of the server, seen by the listener's handler as a
 * {@link Socket} carrying one mucp stream ({@code Micro-Stream}, protocol doc B.9), so that every
 * call shape (unary and the three stream kinds) runs through the server's one stream machinery:
 *
 * <ul>
 *   <li>the request headers become the stream's opening message (go-micro's placeholder):
 *       {@code /pkg.Service/Method} gives {@code Micro-Endpoint: Service.Method}, the gRPC content
 *       type the micro codec's, {@code grpc-timeout} the {@code Timeout} header (nanoseconds),
 *       {@code Micro-Protocol: grpc} (so that it is never taken for a request), other headers
 *       metadata;
 *   <li>each length-prefixed message becomes a stream message, the end of the request stream
 *       {@code Micro-Error: EOS}, a {@code RST_STREAM} from the caller a 499 cancellation;
 *   <li>the handler's messages become response headers (once) and DATA frames, its end the
 *       {@code grpc-status} trailers: 0 for {@code EOS}, else the mapped status with the micro
 *       error JSON as {@code grpc-message} (an error without id: its detail alone).
 * </ul>
 *
 * <p>Bad input is answered here, before any handler runs: a content type that is not gRPC gets HTTP
 * 415, an unknown {@code grpc-encoding} UNIMPLEMENTED, a compressed or malformed frame INTERNAL, a
 * message over the limit RESOURCE_EXHAUSTED; the stream is then reset, the connection keeps serving.
 */
final class GrpcServerStream extends ChannelInboundHandlerAdapter implements Socket {
  private static final Logger log = LoggerFactory.getLogger(GrpcServerStream.class);
  private static final AsciiString GRPC_STATUS = AsciiString.cached("grpc-status");
  private static final AsciiString GRPC_MESSAGE = AsciiString.cached("grpc-message");
  private static final AsciiString CONTENT_TYPE = AsciiString.cached("content-type");
  private static final AsciiString OK = AsciiString.cached("200");
  private static final String STREAM = "Micro-Stream";
  private static final String ID = "1";

  private final Listener.Handler handler;
  private final GrpcMessageReader reader;
  private final String local;
  private final String remote;
  private @Nullable Channel channel;
  private @Nullable Map<String, String> headers;
  private @Nullable CharSequence contentType;
  private @Nullable Map<String, String> data;
  private boolean opened;
  private boolean done;
  private boolean headersSent;
  private boolean ended;
  private boolean flushQueued; // event loop only

  GrpcServerStream(Listener.Handler handler, int maxMessageSize, String local, String remote) {
    this.handler = handler;
    this.reader = new GrpcMessageReader(maxMessageSize);
    this.local = local;
    this.remote = remote;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (done) {
        return;
      }
      if (msg instanceof Http2HeadersFrame h) {
        if (headers == null) {
          onHeaders(h.headers());
        }
        if (h.isEndStream() && !done) {
          onEnd();
        }
      } else if (msg instanceof Http2DataFrame d) {
        onData(ctx, d.content());
        if (d.isEndStream() && !done) {
          onEnd();
        }
      } else if (msg instanceof Http2ResetFrame r) {
        done = true;
        ended = true; // the caller cancelled: a reply still to come has nowhere to go
        cancelHandler(MicroException.of("go.micro.server", 499, "grpc stream cancelled by the caller (RST_STREAM "
            + r.errorCode() + ")", "Client Closed Request"));
        ctx.close();
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void onHeaders(Http2Headers in) {
    CharSequence method = in.method();
    if (method == null || !AsciiString.contentEquals(method, "POST")) {
      httpError("405", "method " + method + " (expected: POST)");
      return;
    }
    CharSequence ct = in.get(CONTENT_TYPE);
    String codec = GrpcWire.codecContentType(ct == null ? null : ct.toString());
    if (codec == null) {
      httpError("415", "content-type '" + ct
          + "' (expected: application/grpc, application/grpc+proto or application/grpc+json)");
      return;
    }
    contentType = ct;
    CharSequence encoding = in.get("grpc-encoding");
    if (encoding != null && !AsciiString.contentEquals(encoding, "identity")) {
      fail(GrpcStatus.UNIMPLEMENTED, "grpc-encoding '" + encoding + "' (expected: identity)");
      return;
    }
    CharSequence path = in.path();
    String endpoint = path == null ? null : GrpcWire.endpoint(path.toString());
    if (endpoint == null) {
      fail(GrpcStatus.UNIMPLEMENTED, "path '" + path + "' (expected: /package.Service/Method)");
      return;
    }
    Map<String, String> h = new LinkedHashMap<>(in.size() + 4);
    for (Map.Entry<CharSequence, CharSequence> e : in) {
      CharSequence key = e.getKey();
      if (key.length() == 0 || key.charAt(0) == ':' || GrpcWire.RESERVED.contains(key.toString())) {
        continue;
      }
      h.put(Metadata.canonical(key.toString()), e.getValue().toString());
    }
    h.put("Content-Type", codec);
    h.put("Micro-Service", GrpcWire.service(path.toString()));
    h.put("Micro-Endpoint", endpoint);
    h.put("Micro-Method", endpoint);
    CharSequence timeout = in.get("grpc-timeout");
    if (timeout != null) {
      long nanos = GrpcWire.parseTimeout(timeout.toString());
      if (nanos < 0) {
        fail(GrpcStatus.INTERNAL, "grpc-timeout '" + timeout + "' (expected: 1-8 digits and a unit H, M, S, m, u or n)");
        return;
      }
      h.put("Timeout", Long.toString(nanos));
    }
    h.put(STREAM, ID);
    h.put("Micro-Protocol", "grpc"); // the opening message carries no request, even for a unary handler
    headers = h;
    data = Map.of(STREAM, ID, "Content-Type", codec);
    deliver(new Message(h, new byte[0]));
    opened = true;
  }

  /** Passes one message of this call's stream to the listener's handler. */
  private void deliver(Message message) {
    try {
      handler.onMessage(this, message);
    } catch (RuntimeException e) {
      log.warn("grpc: handler failed on {} from {}", headers == null ? "call" : headers.get("Micro-Endpoint"), remote, e);
      fail(GrpcStatus.INTERNAL, "handler failed: " + e);
    }
  }

  private void cancelHandler(MicroException reason) {
    if (!opened) {
      return;
    }
    opened = false;
    String json = reason.toJson();
    try {
      handler.onMessage(this, new Message(Map.of(STREAM, ID, "Micro-Error", json), new byte[0]));
    } catch (RuntimeException e) {
      log.debug("grpc: cancelling {} failed: {}", remote, e.toString());
    }
  }

  private void onData(ChannelHandlerContext ctx, ByteBuf data) {
    if (headers == null) {
      return;
    }
    reader.append(ctx.alloc(), data);
    try {
      while (!done) {
        byte[] message = reader.next();
        if (message == null) {
          return;
        }
        deliver(new Message(java.util.Objects.requireNonNull(this.data, "data"), message));
      }
    } catch (GrpcMessageReader.BadPrefix e) {
      if (e.tooLarge()) {
        fail(GrpcStatus.RESOURCE_EXHAUSTED, "grpc message: " + e.getMessage());
      } else if (e.flag() == 1) {
        fail(GrpcStatus.INTERNAL, "grpc frame: compressed message without grpc-encoding (expected: flag 0)");
      } else {
        fail(GrpcStatus.INTERNAL, "grpc frame: " + e.getMessage());
      }
    }
  }

  private void onEnd() {
    if (headers == null) {
      return;
    }
    if (reader.partial() > 0) {
      fail(GrpcStatus.INTERNAL, "grpc frame: truncated, " + reader.partial()
          + " bytes left at the end of the stream (expected: whole messages)");
      return;
    }
    releasePending();
    done = true; // nothing more comes from the caller
    deliver(new Message(Map.of(STREAM, ID, "Micro-Error", "EOS"), new byte[0]));
  }

  /** Writes the reply: headers, one message and OK trailers, or a trailers-only error. */
  @Override
  public CompletableFuture<Void> send(Message message) {
    Channel ch = channel;
    if (ch == null || !ch.isActive()) {
      return CompletableFuture.failedFuture(gone());
    }
    CompletableFuture<Void> result = new CompletableFuture<>();
    ch.eventLoop().execute(() -> write(ch, message, result));
    return result;
  }

  private void write(Channel ch, Message message, CompletableFuture<Void> result) {
    if (!ch.isActive() || ended) {
      result.completeExceptionally(gone());
      return;
    }
    String error = message.micro("Error");
    if (error != null) {
      ended = true;
      opened = false;
      if (error.equals("EOS")) {
        Http2Headers trailers = new DefaultHttp2Headers(false).set(GRPC_STATUS, "0");
        if (!headersSent) {
          trailers.status(OK).set(CONTENT_TYPE, contentType());
        }
        addMetadata(trailers, message);
        ch.writeAndFlush(new DefaultHttp2HeadersFrame(trailers, true)).addListener(f -> complete(result, f.cause()));
      } else {
        MicroException e = MicroException.parse(error);
        // a micro error (with an id) travels as its JSON, as go-micro's gRPC server sends it; an
        // error without id (plain text, or raised to set a gRPC status) as its detail alone
        String text = e.id().isEmpty() ? e.detail() : error;
        writeTrailers(ch, GrpcStatus.fromMicro(e.code()), text, message).addListener(f -> complete(result, f.cause()));
      }
      return;
    }
    if (!headersSent) {
      headersSent = true;
      ch.write(new DefaultHttp2HeadersFrame(
          addMetadata(new DefaultHttp2Headers(false).status(OK).set(CONTENT_TYPE, contentType()), message)));
    }
    byte[] body = message.body();
    ByteBuf frame = ch.alloc().buffer(5 + body.length);
    frame.writeByte(0).writeInt(body.length).writeBytes(body);
    ch.write(new DefaultHttp2DataFrame(frame)).addListener(f -> complete(result, f.cause()));
    flushSoon(ch);
  }

  /**
   * Flushes after the tasks already queued on the event loop: a unary reply's trailers, queued by
   * the handler's thread right behind its message, then leave in the same write (one syscall, not
   * two); a stream's messages wait one turn of the loop at most.
   */
  private void flushSoon(Channel ch) {
    if (!flushQueued) {
      flushQueued = true;
      ch.eventLoop().execute(() -> {
        flushQueued = false;
        ch.flush();
      });
    }
  }

  /**
   * The handler's response metadata ({@link io.micro.server.ResponseMetadata}) carried by a message:
   * every header that is not the protocol's own, lower-cased as HTTP/2 requires.
   */
  private static Http2Headers addMetadata(Http2Headers h, Message message) {
    for (Map.Entry<String, String> e : message.headers().entrySet()) {
      if (!io.micro.server.ResponseMetadata.reserved(e.getKey())) {
        h.set(e.getKey().toLowerCase(java.util.Locale.ROOT), e.getValue());
      }
    }
    return h;
  }

  /**
   * A write to a stream the caller reset or whose connection closed: the same 499 as the reset or
   * the close itself, whichever the handler's thread sees first.
   */
  private MicroException gone() {
    return MicroException.of("go.micro.server", 499, "grpc stream from " + remote + " closed before the reply",
        "Client Closed Request");
  }

  private void complete(CompletableFuture<Void> result, @Nullable Throwable cause) {
    Channel ch = channel;
    if (cause == null) {
      result.complete(null);
    } else if (cause instanceof IOException || ch == null || !ch.isActive()) {
      result.completeExceptionally(gone().withCause(cause));
    } else {
      result.completeExceptionally(cause);
    }
  }

  private CharSequence contentType() {
    return contentType != null ? contentType : "application/grpc";
  }

  /** The final headers: trailers after a response began, else a trailers-only response. */
  private io.netty.channel.ChannelFuture writeTrailers(Channel ch, int status, String text) {
    return writeTrailers(ch, status, text, null);
  }

  private io.netty.channel.ChannelFuture writeTrailers(Channel ch, int status, String text, @Nullable Message message) {
    Http2Headers h = new DefaultHttp2Headers(false);
    if (!headersSent) {
      h.status(OK).set(CONTENT_TYPE, contentType());
    }
    if (message != null) {
      addMetadata(h, message);
    }
    h.set(GRPC_STATUS, Integer.toString(status))
        .set(GRPC_MESSAGE, GrpcStatus.encodeMessage(text));
    return ch.writeAndFlush(new DefaultHttp2HeadersFrame(h, true));
  }

  /**
   * Answers bad input with {@code status} (cancelling the handler if one runs), then resets the
   * stream if it is still open.
   */
  private void fail(int status, String text) {
    done = true;
    releasePending();
    Channel ch = channel;
    if (ch == null || ended) {
      return;
    }
    ended = true;
    log.debug("grpc: {} from {}: {} {}", headers == null ? "call" : headers.get("Micro-Endpoint"), remote,
        GrpcStatus.name(status), text);
    cancelHandler(MicroException.of("go.micro.server", GrpcStatus.microCode(status), text));
    writeTrailers(ch, status, text).addListener(f -> ch.close());
  }

  private void httpError(String status, String text) {
    done = true;
    ended = true;
    Channel ch = channel;
    if (ch == null) {
      return;
    }
    int grpc = status.equals("415") ? GrpcStatus.INTERNAL : GrpcStatus.UNIMPLEMENTED;
    Http2Headers h = new DefaultHttp2Headers(false).status(status)
        .set(CONTENT_TYPE, "text/plain; charset=utf-8")
        .set(GRPC_STATUS, Integer.toString(grpc))
        .set(GRPC_MESSAGE, GrpcStatus.encodeMessage(text));
    ch.writeAndFlush(new DefaultHttp2HeadersFrame(h, true)).addListener(f -> ch.close());
  }

  private void releasePending() {
    reader.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    done = true;
    releasePending();
    cancelHandler(MicroException.of("go.micro.server", 499, "grpc stream from " + remote + " closed",
        "Client Closed Request"));
    try {
      handler.onClose(this);
    } catch (RuntimeException e) {
      log.warn("listener close handler failed for {}", remote, e);
    }
  }

  /** Inbound flow control: stops (or resumes) reading this stream, which stops returning its window to the caller. */
  @Override
  public void reading(boolean on) {
    Channel ch = channel;
    if (ch != null) {
      ch.config().setAutoRead(on);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("grpc stream from {}: {}", remote, cause.toString());
    ctx.close();
  }

  /** Not supported on the server side: replies are sent, requests arrive through the handler. */
  @Override
  public CompletableFuture<Message> receive(Duration timeout) {
    return CompletableFuture.failedFuture(new UnsupportedOperationException(
        "receive on a server grpc stream (expected: the listener handler receives requests)"));
  }

  @Override
  public boolean isOpen() {
    Channel ch = channel;
    return ch != null && ch.isActive();
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
    Channel ch = channel;
    if (ch != null) {
      ch.close();
    }
  }

  @Override
  public String toString() {
    return "grpc stream " + local + " <- " + remote;
  }
}
