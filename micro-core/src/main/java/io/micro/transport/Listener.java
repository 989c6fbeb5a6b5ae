package io.micro.transport;

/**
 * A bound server socket accepting connections for a {@link Transport}. Closing it stops accepting
 * and closes the connections it accepted.
 */
public interface Listener extends AutoCloseable {

  /** The bound address, {@code host:port}, with the real port when port 0 was asked for. */
  String address();

  /** Stops accepting new connections but leaves accepted ones open (the first step of a drain). */
  void stopAccepting();

  /** Closes the listener and every connection it accepted. */
  @Override
  void close();

  /**
   * Receives every message that arrives on the listener's connections.
   *
   * <p>Called on the transport's I/O thread, in arrival order per connection: it must not block;
   * hand work that may block to an executor and answer later through {@link Socket#send(Message)}.
   */
  @FunctionalInterface
  interface Handler {
    /** Handles one inbound message from {@code socket}. */
    void onMessage(Socket socket, Message message);

    /** Called once when a connection closes; the default does nothing. */
    default void onClose(Socket socket) {}
  }
}
