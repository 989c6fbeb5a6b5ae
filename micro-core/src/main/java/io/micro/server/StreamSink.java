package io.micro.server;

import io.micro.errors.MicroException;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * The outbound side of a {@link StreamCall}, implemented by a protocol: mucp over the HTTP
 * transport implements it with {@code 200 OK} messages and go-micro's {@code EOS}; an HTTP/2
 * protocol implements it with DATA frames and trailers.
 *
 * <p>{@link #send} is called from the handler's thread, one call at a time and never after {@link
 * #finish}; {@link #finish} is called exactly once, from any thread; {@link #reading} from any
 * thread. None of them may block.
 */
public interface StreamSink {

  /**
   * Writes one encoded message. The stage completes when the transport took it (written to the
   * connection, or within the peer's flow-control window) and fails when it cannot; the stream
   * keeps a few sends outstanding and blocks the handler beyond that, which is the outbound
   * backpressure.
   */
  CompletionStage<Void> send(byte[] body);

  /**
   * Ends the stream: {@code null} is a normal end (mucp: a {@code Micro-Error: EOS} message), else
   * the error to report to the peer. Called once, when the handler returned, or at once when the
   * stream was cancelled ({@link StreamCall#cancel}) or its deadline passed, whichever is first;
   * after a cancellation by the peer the protocol may drop it. Sends may still be outstanding
   * (their stages not complete) when it is called: the protocol writes the end after them.
   */
  void finish(@Nullable MicroException error);

  /**
   * Inbound flow control: {@code false} when the stream's inbox is full (stop reading from the peer),
   * {@code true} when the handler drained it (read again). The default ignores it; a protocol that
   * ignores it may make the stream fail with 503 when the peer sends far more than the handler takes.
   */
  default void reading(boolean on) {}

  /**
   * The response metadata of this call, which the protocol sends with its messages (headers with
   * the first, trailers with the end); {@code null} (the default) when it sends none, in which case
   * what a handler sets is dropped.
   */
  default @Nullable ResponseMetadata response() {
    return null;
  }
}
