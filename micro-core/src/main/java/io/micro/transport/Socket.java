package io.micro.transport;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One connection between a client and a server, carrying {@link Message}s both ways.
 *
 * <p>On the client side ({@link Transport#dial}) the caller owns the socket until it closes it or
 * returns it to a pool; {@link #receive(Duration)} completes with the next message the server sent.
 * On the server side the transport hands the socket to the {@link Listener.Handler} with each
 * message; {@link #send(Message)} may be called from any thread, as many times as the protocol
 * wants (once for a unary reply, many times for a stream).
 */
public interface Socket extends AutoCloseable {

  /** Writes a message; the future completes when it has been written or fails with the cause. */
  CompletableFuture<Void> send(Message message);

  /**
   * The next message from the peer; fails with a 408 {@link io.micro.errors.MicroException} when
   * none arrives within {@code timeout}, or with the cause when the connection breaks. Only the
   * client side supports this; at most one receive may be pending at a time.
   */
  CompletableFuture<Message> receive(Duration timeout);

  /**
   * Flow control: {@code false} stops reading from the peer (messages already read are still
   * delivered), {@code true} resumes. A slow stream consumer uses it to push back on the sender
   * through the connection (TCP's window for the HTTP transport). Callable from any thread; the
   * default does nothing (transports without flow control).
   */
  default void reading(boolean on) {}

  /** True while the connection is usable. */
  boolean isOpen();

  /** The local address, {@code host:port}. */
  String local();

  /** The remote address, {@code host:port}. */
  String remote();

  /** Closes the connection. */
  @Override
  void close();
}
