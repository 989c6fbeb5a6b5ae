package io.micro.stream;

import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The receiving side of a stream.
 *
 * <p>{@link #receive} blocks for the next message and returns {@code null} once the peer closed its
 * sending side (end of stream); every later call returns {@code null} again. Messages not yet taken
 * are held in a bounded buffer: while it is full the transport stops reading from the peer, which
 * pushes back on the sender. One thread at a time may receive.
 *
 * @param <T> the message type
 */
public interface StreamReceiver<T> {

  /**
   * The next message, or {@code null} at the end of the stream.
   *
   * @throws io.micro.errors.MicroException the peer's error, a cancellation, or 408 when the
   *     stream's deadline passed
   */
  @Nullable T receive();

  /**
   * Passes every remaining message to {@code action}, in order, until the end of the stream.
   *
   * @throws io.micro.errors.MicroException as {@link #receive()}
   */
  default void forEach(Consumer<? super T> action) {
    for (T m = receive(); m != null; m = receive()) {
      action.accept(m);
    }
  }
}
