package io.micro.client;

import java.util.concurrent.CompletableFuture;

/**
 * The sending handle of a stream opened with {@link Client#streamAsync}; responses go to the {@link
 * io.micro.stream.StreamObserver} given there.
 *
 * <p>{@link #send} never blocks: its future completes when the message was written, or fails when
 * the stream ended. Backpressure is the caller's: wait for the future before sending more (or keep
 * a bounded number outstanding).
 *
 * @param <Req> the type of the messages sent
 */
public interface AsyncClientStream<Req> {

  /** Sends {@code message}; the future completes when it was written or fails with the stream's error. */
  CompletableFuture<Void> send(Req message);

  /** Ends the sending side (go-micro's {@code EOS}); responses keep arriving. Idempotent. */
  CompletableFuture<Void> closeSend();

  /**
   * Aborts the stream (see {@link ClientStream#cancel()}); the observer gets a 499 error unless the
   * stream already ended.
   */
  void cancel();

  /**
   * Completes when the stream ended: after the observer's {@code onCompleted} or {@code onError}
   * returned; never fails.
   */
  CompletableFuture<Void> done();
}
