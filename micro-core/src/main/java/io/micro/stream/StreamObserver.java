package io.micro.stream;

import io.micro.errors.MicroException;

/**
 * Receives a stream asynchronously. Calls are made one at a time, in order, never on a transport
 * I/O thread: zero or more {@link #onNext}, then exactly one of {@link #onCompleted} or {@link
 * #onError}. The next message is requested only after {@link #onNext} returns, so a slow observer
 * slows the sender down (backpressure) instead of buffering.
 *
 * @param <T> the message type
 */
public interface StreamObserver<T> {

  /** One message. An exception thrown here cancels the stream and is passed to {@link #onError}. */
  void onNext(T message);

  /** The stream failed: the peer's error, a cancellation, or 408 when the deadline passed. */
  void onError(MicroException error);

  /** The peer closed its sending side: no more messages. */
  void onCompleted();
}
