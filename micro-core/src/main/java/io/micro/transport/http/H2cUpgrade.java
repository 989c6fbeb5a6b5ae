package io.micro.transport.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.util.AsciiString;
import java.util.function.Supplier;

/**
 * The {@code h2c} upgrade (RFC 7540 §3.2) of a server connection's first HTTP/1.1 request: a request
 * carrying {@code Upgrade: h2c} and {@code HTTP2-Settings} is answered {@code 101 Switching
 * Protocols}, the connection continues as HTTP/2 with the same pipeline as prior knowledge, and the
 * upgraded request itself is served as stream 1. Requests without the header never reach this code.
 * A request that asks for the upgrade but does not qualify (no {@code HTTP2-Settings}, not listed in
 * {@code Connection}) is served as plain HTTP/1.1.
 */
final class H2cUpgrade {
  static final String HANDLER = "micro-h2c-upgrade";
  private static final String ENCODER = "micro-h2c-encoder";

  private final int maxMessageSize;
  private final Supplier<ChannelHandler[]> http2;

  /**
   * @param maxMessageSize the largest upgraded request body (the gRPC message limit plus framing)
   * @param http2 the HTTP/2 handlers for one connection: frame codec first, then the others
   */
  H2cUpgrade(int maxMessageSize, Supplier<ChannelHandler[]> http2) {
    this.maxMessageSize = maxMessageSize;
    this.http2 = http2;
  }

  /** Whether {@code request} asks for {@code h2c}. */
  static boolean requested(HttpRequest request) {
    String upgrade = request.headers().get(HttpHeaderNames.UPGRADE);
    return upgrade != null && AsciiString.containsIgnoreCase(upgrade, Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME);
  }

  /**
   * Installs the upgrade handler (and the encoder of its {@code 101}) between the HTTP/1.1 decoder
   * {@code decoder} and the connection handler {@code connection}, which the upgrade removes.
   */
  void install(ChannelPipeline p, String decoder, String connection) {
    HttpServerUpgradeHandler.SourceCodec source = ctx -> {
      ChannelPipeline pipeline = ctx.pipeline();
      pipeline.remove(decoder);
      pipeline.remove(ENCODER);
      pipeline.remove(connection);
    };
    HttpServerUpgradeHandler.UpgradeCodecFactory factory = protocol -> {
      if (!AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol)) {
        return null;
      }
      ChannelHandler[] handlers = http2.get();
      ChannelHandler[] rest = new ChannelHandler[handlers.length - 1];
      System.arraycopy(handlers, 1, rest, 0, rest.length);
      return new Http2ServerUpgradeCodec((Http2FrameCodec) handlers[0], rest);
    };
    p.addBefore(decoder, ENCODER, new HttpResponseEncoder());
    p.addAfter(decoder, HANDLER, new HttpServerUpgradeHandler(source, factory, maxMessageSize + 64));
  }

  /** After a refused upgrade (the request then reaches the HTTP/1.1 handler): removes what {@link #install} added. */
  static void uninstall(ChannelHandlerContext ctx) {
    ChannelPipeline p = ctx.pipeline();
    if (p.get(HANDLER) != null) {
      p.remove(HANDLER);
    }
    if (p.get(ENCODER) != null) {
      p.remove(ENCODER);
    }
  }
}
