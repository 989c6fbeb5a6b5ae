package io.micro.stream;

/**
 * The sending side of a stream.
 *
 * <p>{@link #send} blocks while the peer cannot take more (backpressure: a bounded number of
 * messages is in flight, the rest waits in the caller), so a fast sender never buffers without
 * bound; it is meant for a thread that may block (a virtual thread, or a handler thread). One thread
 * at a time may send.
 *
 * @param <T> the message type
 */
public interface StreamSender<T> {

  /**
   * Sends {@code message}, blocking while the peer's flow control says wait.
   *
   * @throws io.micro.errors.MicroException when the stream was cancelled (by either side), failed,
   *     or its deadline passed (408), or when the sending side was already closed
   */
  void send(T message);
}
