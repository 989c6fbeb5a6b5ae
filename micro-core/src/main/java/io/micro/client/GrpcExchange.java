package io.micro.client;

import io.micro.codec.Codec;
import io.micro.codec.Codecs;
import io.micro.errors.MicroException;
import io.micro.grpc.GrpcWire;
import io.micro.registry.Node;
import io.netty.channel.Channel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.buffer.ByteBuf;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One attempt on a gRPC node (registered with {@code protocol=grpc}, or given as
 * {@code grpc://host:port}): a unary call on a new HTTP/2 stream of the node's one shared connection
 * ({@link GrpcConnections}). The request goes as {@code /<service>.<Handler>/<Method>} (go-micro's
 * gRPC client path; an endpoint with a package, {@code pkg.Svc.Method}, as {@code /pkg.Svc/Method}),
 * protobuf bodies as {@code application/grpc} and anything else as {@code application/grpc+json};
 * metadata as headers, the attempt's timeout as {@code grpc-timeout}. A non-zero
 * {@code grpc-status} becomes a micro error ({@link io.micro.grpc.GrpcStatus#toMicro}).
 */
final class GrpcExchange implements Invoker, AutoCloseable {
  private final Codecs codecs;
  private final GrpcConnections connections;
  private final Duration dialTimeout;

  GrpcExchange(Codecs codecs, Duration dialTimeout) {
    this.codecs = codecs;
    this.dialTimeout = dialTimeout;
    this.connections = new GrpcConnections(GrpcWire.DEFAULT_MAX_MESSAGE_SIZE);
  }

  /** True when {@code node} is called over gRPC: it registered {@code protocol=grpc}. */
  static boolean speaksGrpc(Node node) {
    return "grpc".equals(node.metadata().get("protocol"));
  }

  @Override
  public CompletableFuture<@Nullable Object> invoke(Call call) {
    Request request = call.request();
    boolean json = isJson(request);
    Codec codec;
    byte[] body;
    Http2Headers headers;
    try {
      codec = codecs.forContentType(json ? "application/json" : "application/protobuf")
          .orElseThrow(() -> MicroException.badRequest(RetryPolicy.CLIENT_ID,
              "grpc call %s: no %s codec (expected one in %s)", request.endpoint(),
              json ? "application/json" : "application/protobuf", codecs.contentTypes()));
      body = codec.marshal(request.body());
      if (body.length > GrpcWire.DEFAULT_MAX_MESSAGE_SIZE) {
        throw MicroException.tooLarge(RetryPolicy.CLIENT_ID, "grpc request of %s: %d bytes (expected: <= %d)",
            request.endpoint(), body.length, GrpcWire.DEFAULT_MAX_MESSAGE_SIZE);
      }
      headers = headers(request, call, json);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(MicroException.badRequest(RetryPolicy.CLIENT_ID, "%s", e.getMessage()));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(ClientErrors.toMicro(e));
    }
    String address = call.node().address();
    Duration dial = dialTimeout.compareTo(call.timeout()) < 0 ? dialTimeout : call.timeout();
    CompletableFuture<byte[]> reply = new CompletableFuture<>();
    connections.get(address, dial).whenComplete((parent, dialError) -> {
      if (dialError != null) {
        reply.completeExceptionally(ClientErrors.connection(address, ClientErrors.unwrap(dialError)));
        return;
      }
      GrpcClientCall handler = new GrpcClientCall(reply, address, GrpcWire.DEFAULT_MAX_MESSAGE_SIZE);
      new Http2StreamChannelBootstrap(parent).handler(handler).open().addListener(f -> {
        if (!f.isSuccess()) {
          connections.broken(address, parent);
          reply.completeExceptionally(ClientErrors.connection(address, f.cause()));
          return;
        }
        Http2StreamChannel stream = (Http2StreamChannel) f.getNow();
        send(stream, headers, body, call.timeout(), reply, address);
      });
    });
    return reply.thenApply(bytes -> decode(codec, bytes, call));
  }

  private static void send(Http2StreamChannel stream, Http2Headers headers, byte[] body, Duration timeout,
      CompletableFuture<byte[]> reply, String address) {
    var timer = stream.eventLoop().schedule(() -> {
      if (reply.completeExceptionally(MicroException.timeout(RetryPolicy.CLIENT_ID,
          "grpc call to %s: no reply within %d ms", address, timeout.toMillis()))) {
        stream.close(); // RST_STREAM CANCEL
      }
    }, Math.max(1, timeout.toNanos()), TimeUnit.NANOSECONDS);
    reply.whenComplete((v, e) -> timer.cancel(false));
    stream.write(new DefaultHttp2HeadersFrame(headers));
    ByteBuf frame = stream.alloc().buffer(5 + body.length);
    frame.writeByte(0).writeInt(body.length).writeBytes(body);
    stream.writeAndFlush(new DefaultHttp2DataFrame(frame, true)).addListener(f -> {
      if (!f.isSuccess()) {
        reply.completeExceptionally(ClientErrors.connection(address, f.cause()));
        stream.close();
      }
    });
  }

  private static @Nullable Object decode(Codec codec, byte[] bytes, Call call) {
    if (call.responseType() == Void.class || call.responseType() == void.class) {
      return null;
    }
    try {
      return codec.unmarshal(bytes, call.responseType());
    } catch (RuntimeException e) {
      String why = e instanceof MicroException me ? me.detail() : e.getMessage();
      throw MicroException.internalServerError(RetryPolicy.CLIENT_ID,
          "grpc reply as %s (expected: %s): %s", codec.contentType(), call.responseType().getTypeName(), why)
          .withCause(e);
    }
  }

  /**
   * JSON only when asked for by name ({@code application/grpc+json}), or when the body is not a
   * protobuf message: gRPC peers speak protobuf, whatever the client's mucp default is.
   */
  private static boolean isJson(Request request) {
    String ct = request.contentType().toLowerCase(Locale.ROOT);
    if (ct.startsWith("application/grpc+json")) {
      return true;
    }
    return !(request.body() instanceof com.google.protobuf.MessageLite) && !ct.contains("proto");
  }

  private static Http2Headers headers(Request request, Call call, boolean json) {
    return headers(request.service(), request.endpoint(), call.node().address(), request.metadata().asMap(),
        json, call.timeout());
  }

  /** The request headers of a call: path, content type, deadline and metadata (lower case). */
  static Http2Headers headers(String service, String endpoint, String authority, Map<String, String> metadata,
      boolean json, @Nullable Duration timeout) {
    Http2Headers h = new DefaultHttp2Headers(false)
        .method("POST")
        .scheme("http")
        .path(GrpcWire.path(service, endpoint))
        .authority(authority)
        .set("content-type", json ? "application/grpc+json" : "application/grpc")
        .set("te", "trailers");
    if (timeout != null) {
      h.set("grpc-timeout", GrpcWire.formatTimeout(Math.max(1, timeout.toNanos())));
    }
    for (Map.Entry<String, String> e : metadata.entrySet()) {
      String key = e.getKey().toLowerCase(Locale.ROOT);
      if (key.isEmpty() || key.startsWith(":") || key.startsWith("micro-") || key.equals("timeout")
          || GrpcWire.RESERVED.contains(key) || key.equals("user-agent") || key.equals("accept")) {
        continue;
      }
      h.set(key, e.getValue());
    }
    return h;
  }

  /**
   * Opens a gRPC stream to {@code address}: a new HTTP/2 stream on the node's shared connection
   * (dialled within {@code dial} if needed), with {@code headers} sent at once. The socket carries
   * the call for a {@link MucpStream}.
   */
  CompletableFuture<GrpcStreamSocket> openStream(String address, Http2Headers headers, Duration dial) {
    CompletableFuture<GrpcStreamSocket> result = new CompletableFuture<>();
    connections.get(address, dial).whenComplete((parent, dialError) -> {
      if (dialError != null) {
        result.completeExceptionally(ClientErrors.connection(address, ClientErrors.unwrap(dialError)));
        return;
      }
      GrpcStreamSocket socket = new GrpcStreamSocket(address, GrpcWire.DEFAULT_MAX_MESSAGE_SIZE);
      new Http2StreamChannelBootstrap(parent).handler(socket).open().addListener(f -> {
        if (!f.isSuccess()) {
          connections.broken(address, parent);
          result.completeExceptionally(ClientErrors.connection(address, f.cause()));
          return;
        }
        socket.open((Http2StreamChannel) f.getNow(), headers).whenComplete((ok, e) -> {
          if (e != null) {
            socket.close();
            result.completeExceptionally(e);
          } else {
            result.complete(socket);
          }
        });
      });
    });
    return result;
  }

  @Override
  public void close() {
    connections.close();
  }

  /** The parent channel of an address, for tests. */
  @Nullable Channel connection(String address) {
    return connections.peek(address);
  }
}
