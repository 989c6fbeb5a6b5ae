package io.micro.client;

import io.micro.errors.MicroException;
import io.micro.grpc.GrpcMessageReader;
import io.micro.grpc.GrpcStatus;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The response side of one unary gRPC call on its HTTP/2 stream: headers, at most one
 * length-prefixed message (bounded by {@code maxMessageSize}), then the {@code grpc-status}
 * trailers (or a trailers-only response). Completes {@code reply} with the message or the micro
 * error the status stands for.
 */
final class GrpcClientCall extends ChannelInboundHandlerAdapter {
  private final CompletableFuture<byte[]> reply;
  private final String address;
  private final GrpcMessageReader reader;
  private byte @Nullable [] message;
  private boolean headersSeen;

  GrpcClientCall(CompletableFuture<byte[]> reply, String address, int maxMessageSize) {
    this.reply = reply;
    this.address = address;
    this.reader = new GrpcMessageReader(maxMessageSize);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (reply.isDone()) {
        return;
      }
      if (msg instanceof Http2HeadersFrame f) {
        Http2Headers h = f.headers();
        if (!headersSeen) {
          headersSeen = true;
          CharSequence status = h.status();
          if (status != null && !"200".contentEquals(status) && h.get("grpc-status") == null) {
            fail(ctx, MicroException.of(RetryPolicy.CLIENT_ID, httpToMicro(status.toString()),
                "grpc call to " + address + ": HTTP status " + status + " (expected: 200)"));
            return;
          }
        }
        if (f.isEndStream() || h.get("grpc-status") != null) {
          trailers(ctx, h);
        }
      } else if (msg instanceof Http2DataFrame d) {
        data(ctx, d.content());
        if (d.isEndStream() && !reply.isDone()) {
          fail(ctx, MicroException.internalServerError(RetryPolicy.CLIENT_ID,
              "grpc call to %s: the stream ended without grpc-status trailers", address));
        }
      } else if (msg instanceof Http2ResetFrame r) {
        reply.completeExceptionally(MicroException.internalServerError(RetryPolicy.CLIENT_ID,
            "connection error: grpc stream to %s reset (HTTP/2 error %d)", address, r.errorCode()));
        ctx.close();
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void data(ChannelHandlerContext ctx, ByteBuf content) {
    reader.append(ctx.alloc(), content);
    try {
      for (byte[] m = reader.next(); m != null; m = reader.next()) {
        if (message != null) {
          fail(ctx, MicroException.internalServerError(RetryPolicy.CLIENT_ID,
              "grpc reply from %s: a second message for a unary call (expected: one)", address));
          return;
        }
        message = m;
      }
    } catch (GrpcMessageReader.BadPrefix e) {
      fail(ctx, ClientErrors.badPrefix(e, "grpc reply from " + address));
    }
  }

  private void trailers(ChannelHandlerContext ctx, Http2Headers h) {
    int code = GrpcStatus.parse(h.get("grpc-status"));
    if (code == GrpcStatus.OK) {
      byte[] m = message;
      if (m == null || reader.partial() > 0) {
        fail(ctx, MicroException.internalServerError(RetryPolicy.CLIENT_ID,
            "grpc reply from %s: status OK without a whole message (expected: one)", address));
        return;
      }
      reply.complete(m);
      release();
      return;
    }
    CharSequence text = h.get("grpc-message");
    String decoded = text == null ? "" : GrpcStatus.decodeMessage(text.toString());
    fail(ctx, GrpcStatus.toMicro(code, decoded, RetryPolicy.CLIENT_ID));
  }

  /** The HTTP-to-gRPC mapping of the gRPC spec, then gRPC-to-micro. */
  static int httpToMicro(String status) {
    int grpc = switch (status) {
      case "400" -> GrpcStatus.INTERNAL;
      case "401" -> GrpcStatus.UNAUTHENTICATED;
      case "403" -> GrpcStatus.PERMISSION_DENIED;
      case "404" -> GrpcStatus.UNIMPLEMENTED;
      case "429", "502", "503", "504" -> GrpcStatus.UNAVAILABLE;
      default -> GrpcStatus.UNKNOWN;
    };
    return GrpcStatus.microCode(grpc);
  }

  private void fail(ChannelHandlerContext ctx, MicroException e) {
    reply.completeExceptionally(e);
    release();
    ctx.close();
  }

  private void release() {
    reader.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    release();
    reply.completeExceptionally(MicroException.internalServerError(RetryPolicy.CLIENT_ID,
        "connection error: grpc stream to %s closed before the reply", address));
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    reply.completeExceptionally(ClientErrors.connection(address, cause));
    ctx.close();
  }
}
