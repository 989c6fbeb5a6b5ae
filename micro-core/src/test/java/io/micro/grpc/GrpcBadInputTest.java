package io.micro.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.micro.grpc.testproto.Request;
import io.micro.server.Server;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Malformed gRPC sent as raw HTTP/2 frames (Netty's client codec, no gRPC library): each stream
 * gets its status, and the same connection keeps serving good calls afterwards.
 */
class GrpcBadInputTest {
  private Server server;
  private EventLoopGroup group;
  private Channel connection;

  @BeforeEach
  void start() throws Exception {
    server = Server.builder().name("micro.test").address("127.0.0.1:0").build();
    server.handle("Say", new SayHandler());
    server.start();
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    String[] hp = server.address().split(":");
    connection = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build(),
                new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
          }
        })
        .connect(new InetSocketAddress(hp[0], Integer.parseInt(hp[1]))).sync().channel();
  }

  @AfterEach
  void stop() {
    connection.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    server.stop();
  }

  @Test
  void badCompressionFlagIsInternal() throws Exception {
    assertThat(grpcStatus(call("application/grpc", frame(2, 0, new byte[0]), true))).isEqualTo("13");
    assertThat(hello()).contains("Hello again");
  }

  @Test
  void compressedWithoutEncodingIsInternal() throws Exception {
    assertThat(grpcStatus(call("application/grpc", frame(1, 3, new byte[3]), true))).isEqualTo("13");
    assertThat(hello()).contains("Hello again");
  }

  @Test
  void lengthOverTheLimitIsResourceExhaustedBeforeTheBodyArrives() throws Exception {
    ByteBuf prefix = Unpooled.buffer(5).writeByte(0).writeInt(5 * 1024 * 1024);
    assertThat(grpcStatus(call("application/grpc", prefix, false))).isEqualTo("8");
    assertThat(hello()).contains("Hello again");
  }

  @Test
  void truncatedFrameIsInternal() throws Exception {
    assertThat(grpcStatus(call("application/grpc", frame(0, 10, new byte[3]), true))).isEqualTo("13");
    assertThat(hello()).contains("Hello again");
  }

  @Test
  void wrongContentTypeIs415() throws Exception {
    List<Object> frames = call("application/json", frame(0, 2, new byte[2]), true);
    Http2Headers first = (Http2Headers) frames.get(0);
    assertThat(first.status().toString()).isEqualTo("415");
    assertThat(hello()).contains("Hello again");
  }

  @Test
  void streamResetByTheCallerLeavesTheConnectionServing() throws Exception {
    Http2StreamChannel stream = open(new LinkedBlockingQueue<>());
    stream.writeAndFlush(new DefaultHttp2HeadersFrame(headers("/micro.test.Say/Sum", "application/grpc"))).sync();
    stream.close().sync(); // RST_STREAM CANCEL while the handler waits for requests
    assertThat(hello()).contains("Hello again");
  }

  /** A good unary call on the same connection: the reply frames as text. */
  private String hello() throws Exception {
    byte[] body = Request.newBuilder().setName("again").build().toByteArray();
    List<Object> frames = call("application/grpc", frame(0, body.length, body), true);
    assertThat(grpcStatus(frames)).isEqualTo("0");
    return frames.toString();
  }

  private List<Object> call(String contentType, ByteBuf data, boolean endStream) throws Exception {
    BlockingQueue<Object> in = new LinkedBlockingQueue<>();
    Http2StreamChannel stream = open(in);
    stream.write(new DefaultHttp2HeadersFrame(headers("/micro.test.Say/Hello", contentType)));
    stream.writeAndFlush(new DefaultHttp2DataFrame(data, endStream)).sync();
    List<Object> frames = new ArrayList<>();
    while (true) {
      Object f = in.poll(20, TimeUnit.SECONDS);
      assertThat(f).as("a frame within 20 s; got " + frames).isNotNull();
      frames.add(f);
      if (f instanceof Http2Headers h && (h.contains("grpc-status") || !h.contains("grpc-status") && in.isEmpty()
          && h.status() != null && !"200".contentEquals(h.status()))) {
        return frames;
      }
      if (f instanceof Integer) {
        return frames;
      }
    }
  }

  private Http2StreamChannel open(BlockingQueue<Object> in) throws Exception {
    return new Http2StreamChannelBootstrap(connection).handler(new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
          if (msg instanceof Http2HeadersFrame h) {
            in.add(new DefaultHttp2Headers().add(h.headers()));
          } else if (msg instanceof Http2DataFrame d) {
            in.add(d.content().toString(java.nio.charset.StandardCharsets.ISO_8859_1));
          } else if (msg instanceof Http2ResetFrame r) {
            in.add((int) r.errorCode());
          }
        } finally {
          ReferenceCountUtil.release(msg);
        }
      }
    }).open().sync().getNow();
  }

  private Http2Headers headers(String path, String contentType) {
    return new DefaultHttp2Headers().method("POST").scheme("http").path(path)
        .authority(server.address()).set("content-type", contentType).set("te", "trailers");
  }

  private static ByteBuf frame(int flag, int length, byte[] body) {
    return Unpooled.buffer(5 + body.length).writeByte(flag).writeInt(length).writeBytes(body);
  }

  private static String grpcStatus(List<Object> frames) {
    for (Object f : frames) {
      if (f instanceof Http2Headers h && h.contains("grpc-status")) {
        return h.get("grpc-status").toString();
      }
    }
    return "none in " + frames;
  }
}
