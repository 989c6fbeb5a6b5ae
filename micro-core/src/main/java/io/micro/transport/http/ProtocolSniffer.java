package io.micro.transport.http;

import io.micro.transport.Listener;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2Exception;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks at the first bytes of a server connection and installs the protocol they speak: the
 * HTTP/2 connection preface ({@code PRI * HTTP/2.0…}, prior knowledge) gets the HTTP/2 pipeline
 * whose streams are gRPC calls; anything else gets go-micro's HTTP/1.1 framing. Decides on the first
 * byte that differs from the preface, so HTTP/1.1 requests are not delayed. An HTTP/1.1 connection
 * whose first request asks for {@code Upgrade: h2c} switches to the same HTTP/2 pipeline
 * ({@link H2cUpgrade}).
 */
final class ProtocolSniffer extends ByteToMessageDecoder {
  private static final Logger log = LoggerFactory.getLogger(ProtocolSniffer.class);
  private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();

  private final SocketChannel channel;
  private final Listener.Handler handler;
  private final ConnectionTimer timer;
  private final HttpDecoderConfig decoderConfig;
  private final int maxMessageSize;
  private final Http2Settings settings;

  ProtocolSniffer(SocketChannel channel, Listener.Handler handler, ConnectionTimer timer,
      HttpDecoderConfig decoderConfig, int maxMessageSize, Http2Settings settings) {
    this.channel = channel;
    this.handler = handler;
    this.timer = timer;
    this.decoderConfig = decoderConfig;
    this.maxMessageSize = maxMessageSize;
    this.settings = settings;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    int n = Math.min(in.readableBytes(), PREFACE.readableBytes());
    for (int i = 0; i < n; i++) {
      if (in.getByte(in.readerIndex() + i) != PREFACE.getByte(PREFACE.readerIndex() + i)) {
        http1(ctx.pipeline());
        ctx.pipeline().remove(this);
        return;
      }
    }
    if (n == PREFACE.readableBytes()) {
      http2(ctx.pipeline(), channel, handler, timer, maxMessageSize, settings, ctx.name());
      ctx.pipeline().remove(this);
    }
  }

  private void http1(ChannelPipeline p) {
    String me = p.context(this).name();
    H2cUpgrade upgrade = new H2cUpgrade(maxMessageSize,
        () -> http2Handlers(channel, handler, timer, maxMessageSize, settings));
    p.addAfter(me, "micro-http1-connection", new ServerConnection(channel, handler, timer, maxMessageSize, upgrade));
    p.addAfter(me, "micro-http1-decoder", new HttpRequestDecoder(decoderConfig));
  }

  /** Installs the HTTP/2 server pipeline after handler {@code after}: frame codec, then one child channel per stream. */
  static void http2(ChannelPipeline p, SocketChannel channel, Listener.Handler handler,
      ConnectionTimer timer, int maxMessageSize, Http2Settings settings, String after) {
    ChannelHandler[] h = http2Handlers(channel, handler, timer, maxMessageSize, settings);
    p.addAfter(after, "micro-http2-codec", h[0]);
    p.addAfter("micro-http2-codec", "micro-http2-multiplex", h[1]);
    p.addAfter("micro-http2-multiplex", "micro-http2-errors", h[2]);
  }

  /**
   * The HTTP/2 server handlers of one connection, in pipeline order: the frame codec, the
   * multiplexer (one child channel, one {@link GrpcServerStream}, per stream) and the error sink.
   * Switches the connection's timer to streaming.
   */
  static ChannelHandler[] http2Handlers(SocketChannel channel, Listener.Handler handler,
      ConnectionTimer timer, int maxMessageSize, Http2Settings settings) {
    timer.streaming();
    String local = Wire.address(channel.localAddress());
    String remote = Wire.address(channel.remoteAddress());
    Http2MultiplexHandler multiplex = new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
      @Override
      protected void initChannel(Http2StreamChannel stream) {
        stream.pipeline().addLast(new GrpcServerStream(handler, maxMessageSize, local, remote));
      }
    });
    Http2FrameCodec codec = Http2FrameCodecBuilder.forServer()
        .initialSettings(settings)
        .autoAckPingFrame(true)
        .build();
    ChannelHandler errors = new ChannelInboundHandlerAdapter() {
      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // the frame codec already answered (RST_STREAM for a stream error, GOAWAY and close for a
        // connection error); a reset by the peer ends the connection
        log.debug("http2 connection from {}: {}", remote, cause.toString());
        if (!(cause instanceof Http2Exception)) {
          ctx.close();
        }
      }
    };
    return new ChannelHandler[] {codec, multiplex, errors};
  }
}
