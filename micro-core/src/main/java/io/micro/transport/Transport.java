package io.micro.transport;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Moves {@link Message}s between clients and servers. The default, {@code http}, speaks go-micro's
 * framing: every message is an HTTP/1.1 {@code POST /} on a persistent connection, answered by
 * {@code 200 OK} messages.
 *
 * <p>Implementations are safe for concurrent use and are closed by whoever built them.
 */
public interface Transport extends AutoCloseable {

  /** The name this transport is selected by, e.g. {@code http}. */
  String name();

  /**
   * Binds {@code address} ({@code host:port}; port 0 picks a free one) and passes every inbound
   * message to {@code handler}.
   */
  Listener listen(String address, Listener.Handler handler);

  /** Opens a connection to {@code address}; fails with a 500 connection error after {@code timeout}. */
  CompletableFuture<Socket> dial(String address, Duration timeout);

  /** Closes every listener and connection and releases the I/O threads. */
  @Override
  void close();
}
