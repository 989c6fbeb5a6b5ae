package io.micro.toolkit.http;

import io.netty.channel.ChannelHandlerContext;

/** One request in flight on a connection, for responses that write themselves (relays). */
interface Exchange {

  /** The client connection's context (its event loop runs the relay). */
  ChannelHandlerContext context();

  /** The request being answered. */
  HttpRequest request();

  /**
   * The relay finished writing: logs the response, then reads the next request when {@code
   * keepAlive}, or closes the connection. Call once, on the event loop.
   */
  void finished(int status, long bytes, boolean keepAlive);
}
