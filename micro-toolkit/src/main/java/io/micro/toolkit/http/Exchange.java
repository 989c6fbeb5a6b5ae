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

  /** Answers with a whole response, as a handler would (for errors found by the relay). */
  void respond(HttpResponse response);

  /** Adds the server's CORS headers for this request to {@code headers}. */
  void decorate(io.netty.handler.codec.http.HttpHeaders headers);

  /**
   * The connection switched protocols (a tunnelled websocket): logs {@code status} and removes the
   * server's HTTP handlers, leaving {@code next} (added after the codec beforehand) as the reader of
   * the raw bytes; the connection is the relay's from now on.
   */
  void tunnelled(int status, io.netty.channel.ChannelHandler next);
}
