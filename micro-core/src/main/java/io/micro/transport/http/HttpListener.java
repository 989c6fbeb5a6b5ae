package io.micro.transport.http;

import io.micro.transport.Listener;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.util.concurrent.TimeUnit;

/** A bound server channel and the connections it accepted. */
final class HttpListener implements Listener {
  private final HttpTransport transport;
  private final ChannelGroup accepted = new DefaultChannelGroup("micro-http-accepted", GlobalEventExecutor.INSTANCE);
  private volatile Channel server;
  private volatile String address = "";

  HttpListener(HttpTransport transport) {
    this.transport = transport;
  }

  void bound(Channel serverChannel) {
    this.server = serverChannel;
    this.address = Wire.address(serverChannel.localAddress());
  }

  ChannelGroup accepted() {
    return accepted;
  }

  @Override
  public String address() {
    return address;
  }

  /** Closes the server channel; accepted connections keep being served. */
  @Override
  public void stopAccepting() {
    Channel s = server;
    if (s != null) {
      s.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }

  /** Closes the server channel and every accepted connection. */
  @Override
  public void close() {
    stopAccepting();
    accepted.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    transport.removed(this);
  }

  @Override
  public String toString() {
    return "http listener " + address;
  }
}
