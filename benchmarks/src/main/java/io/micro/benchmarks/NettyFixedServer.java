package io.micro.benchmarks;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;

/**
 * A raw Netty HTTP/1.1 server that answers every request with the greeter's reply, {@code
 * {"msg":"Hello John"}}, without decoding anything: the practical limit for HTTP/1.1 on the JVM.
 *
 * <p>Usage: {@code NettyFixedServer <port>}; binds 127.0.0.1 only and runs until killed.
 */
public final class NettyFixedServer {

  private static final byte[] BODY = "{\"msg\":\"Hello John\"}\n".getBytes(StandardCharsets.UTF_8);

  private NettyFixedServer() {}

  /** Starts the server and blocks until the process is killed. */
  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    Class<? extends ServerChannel> channel =
        epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(io);
    ByteBuf body = Unpooled.unreleasableBuffer(Unpooled.directBuffer(BODY.length).writeBytes(BODY));
    Channel server =
        new ServerBootstrap()
            .group(group)
            .channel(channel)
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new HttpServerCodec(), new FixedReply(body));
                  }
                })
            .bind("127.0.0.1", port)
            .sync()
            .channel();
    System.out.println("netty fixed (" + (epoll ? "epoll" : "nio") + ") listening on " + server.localAddress());
    server.closeFuture().sync();
  }

  /** Answers each complete request with the fixed body; keeps the connection open. */
  private static final class FixedReply extends SimpleChannelInboundHandler<HttpObject> {
    private final ByteBuf body;

    FixedReply(ByteBuf body) {
      this.body = body;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (msg instanceof LastHttpContent) {
        FullHttpResponse rsp =
            new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body.duplicate());
        rsp.headers()
            .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
            .setInt(HttpHeaderNames.CONTENT_LENGTH, BODY.length);
        ctx.write(rsp);
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }
  }
}
