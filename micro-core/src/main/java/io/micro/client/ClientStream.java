package io.micro.client;

import io.micro.stream.BidiStream;

/**
 * The client side of an open stream (from {@link Client#stream}): sends requests of type {@code
 * Req}, receives responses of type {@code Resp}. The same type serves all three kinds: for server
 * streaming send one request, {@link #closeSend()} and receive until {@code null} (or use {@link
 * Client#serverStream}); for client streaming send, {@link #closeSend()} and receive the one
 * response; for bidirectional streams send and receive in any order, from two threads if needed.
 *
 * <pre>{@code
 * try (ClientStream<Chunk, Ack> s = client.stream(Request.of("files", "Store.Upload", Map.of()), Ack.class,
 *     CallOptions.DEFAULT)) {
 *   for (Chunk c : chunks) {
 *     s.send(c);                 // blocks while the server is slower (backpressure)
 *   }
 *   s.closeSend();               // go-micro's EOS message: the server's receive returns null
 *   Ack ack = s.receive();       // the server's response; null would mean it sent none
 * }
 * }</pre>
 *
 * <p>{@link #receive()} returns {@code null} when the server ended the stream normally and throws
 * the server's {@link io.micro.errors.MicroException} when it failed it (after the messages sent
 * before the error). The stream's deadline ({@link CallOptions#withTimeout}; none by default) bounds
 * the whole stream: when it passes, the stream is cancelled and both sides see a 408.
 *
 * <p>One thread may send while another receives; sends from several threads, or receives from
 * several threads, must be serialized by the caller.
 *
 * @param <Req> the type of the messages sent
 * @param <Resp> the type of the messages received
 */
public interface ClientStream<Req, Resp> extends BidiStream<Resp, Req>, AutoCloseable {

  /**
   * Ends the sending side (go-micro's {@code EOS} message): the server's receive returns {@code
   * null}; responses can still be received. Idempotent; a later {@link #send} throws.
   */
  void closeSend();

  /**
   * Aborts the stream: the server's handler sees a 499 cancellation on its next send or receive,
   * pending and later calls here throw it, and the connection is closed. Idempotent; does nothing
   * after the stream ended.
   */
  void cancel();

  /**
   * Releases the stream: if it has not ended yet it is cancelled (see {@link #cancel()}); after a
   * normal end only the connection is closed. Idempotent.
   */
  @Override
  void close();
}
