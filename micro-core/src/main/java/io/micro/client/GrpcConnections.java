package io.micro.client;

import io.micro.errors.MicroException;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP/2 cleartext connection (prior knowledge) per gRPC node address, shared by every call to
 * it: each call is a stream, so calls are multiplexed rather than pooled. A connection that closed
 * or received {@code GOAWAY} is replaced on the next call. The I/O threads (native epoll when
 * available) start with the first gRPC call.
 */
final class GrpcConnections implements AutoCloseable {
  private final int maxMessageSize;
  private final ConcurrentHashMap<String, CompletableFuture<Channel>> channels = new ConcurrentHashMap<>();
  private volatile @Nullable EventLoopGroup group;
  private volatile boolean closed;

  GrpcConnections(int maxMessageSize) {
    this.maxMessageSize = maxMessageSize;
  }

  /** The connection to {@code address}, dialling it within {@code timeout} when there is none. */
  CompletableFuture<Channel> get(String address, Duration timeout) {
    if (closed) {
      return CompletableFuture.failedFuture(MicroException.internalServerError(RetryPolicy.CLIENT_ID, "client closed"));
    }
    CompletableFuture<Channel> existing = channels.get(address);
    if (existing != null && (!existing.isDone() || usable(existing))) {
      return existing;
    }
    CompletableFuture<Channel> fresh = new CompletableFuture<>();
    CompletableFuture<Channel> raced = existing == null ? channels.putIfAbsent(address, fresh)
        : (channels.replace(address, existing, fresh) ? null : channels.get(address));
    if (raced != null) {
      return raced;
    }
    dial(address, timeout, fresh);
    return fresh;
  }

  private static boolean usable(CompletableFuture<Channel> f) {
    if (f.isCompletedExceptionally()) {
      return false;
    }
    Channel ch = f.join();
    return ch.isActive() && !Boolean.TRUE.equals(ch.attr(GoAway.KEY).get());
  }

  /** Forgets {@code parent} as the connection of {@code address} (it can no longer open streams). */
  void broken(String address, Channel parent) {
    CompletableFuture<Channel> f = channels.get(address);
    if (f != null && f.isDone() && !f.isCompletedExceptionally() && f.join() == parent) {
      channels.remove(address, f);
      parent.close();
    }
  }

  @Nullable Channel peek(String address) {
    CompletableFuture<Channel> f = channels.get(address);
    return f == null || !f.isDone() || f.isCompletedExceptionally() ? null : f.join();
  }

  private void dial(String address, Duration timeout, CompletableFuture<Channel> result) {
    InetSocketAddress target;
    try {
      int colon = address.lastIndexOf(':');
      String host = address.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      target = new InetSocketAddress(host.isEmpty() ? "127.0.0.1" : host, Integer.parseInt(address.substring(colon + 1)));
    } catch (RuntimeException e) {
      channels.remove(address, result);
      result.completeExceptionally(MicroException.badRequest(RetryPolicy.CLIENT_ID,
          "grpc node address '%s' (expected: host:port)", address));
      return;
    }
    boolean epoll = Epoll.isAvailable();
    Bootstrap b = new Bootstrap()
        .group(group())
        .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis())))
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline()
                .addLast(Http2FrameCodecBuilder.forClient()
                    .initialSettings(Http2Settings.defaultSettings().pushEnabled(false)
                        .maxHeaderListSize(64 * 1024).initialWindowSize(1 << 20))
                    .autoAckPingFrame(true)
                    .build())
                .addLast(new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()))
                .addLast(new GoAway());
          }
        });
    b.connect(target).addListener((ChannelFuture f) -> {
      if (!f.isSuccess()) {
        channels.remove(address, result);
        result.completeExceptionally(ClientErrors.connection(address, f.cause()));
        return;
      }
      f.channel().closeFuture().addListener(c -> channels.remove(address, result));
      result.complete(f.channel());
    });
  }

  private EventLoopGroup group() {
    EventLoopGroup g = group;
    if (g == null) {
      synchronized (this) {
        g = group;
        if (g == null) {
          g = new MultiThreadIoEventLoopGroup(0, new DefaultThreadFactory("micro-grpc-client", true),
              Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
          group = g;
        }
      }
    }
    return g;
  }

  /** Closes every connection and stops the I/O threads. */
  @Override
  public void close() {
    closed = true;
    for (CompletableFuture<Channel> f : channels.values()) {
      f.thenAccept(Channel::close);
    }
    channels.clear();
    EventLoopGroup g = group;
    if (g != null) {
      g.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }
  }

  /** Marks a connection that received GOAWAY (no new streams) and swallows stream-level errors. */
  private static final class GoAway extends ChannelInboundHandlerAdapter {
    static final io.netty.util.AttributeKey<Boolean> KEY = io.netty.util.AttributeKey.valueOf("micro-grpc-goaway");

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Http2GoAwayFrame) {
        ctx.channel().attr(KEY).set(Boolean.TRUE);
      }
      ReferenceCountUtil.release(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (!(cause instanceof Http2Exception)) {
        ctx.close();
      }
    }
  }
}
