package io.micro.client;

import io.micro.errors.MicroException;
import io.micro.transport.Message;
import io.micro.transport.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * One attempt on the wire, the innermost {@link Invoker}: takes a pooled connection to the node,
 * sends the request, waits for one reply within the attempt's timeout and decodes it. The
 * connection goes back to the pool only after a successful reply; it is closed after anything else
 * (as go-micro), so a connection never carries more than one call at a time.
 */
final class Exchange implements Invoker {
  private final ConnectionPool pool;
  private final Wire wire;
  private final Duration dialTimeout;
  private final AtomicLong sequence = new AtomicLong();

  Exchange(ConnectionPool pool, Wire wire, Duration dialTimeout) {
    this.pool = pool;
    this.wire = wire;
    this.dialTimeout = dialTimeout;
  }

  @Override
  public CompletableFuture<@Nullable Object> invoke(Call call) {
    Request request = call.request();
    String contentType = request.contentType();
    boolean mucp = Wire.speaksMucp(call.node());
    String address = call.node().address();
    long start = System.nanoTime();
    long attemptNanos = call.timeout().toNanos();
    Message message;
    try {
      byte[] body = wire.encodeBody(request, contentType, mucp);
      message = wire.request(request, contentType, mucp, body, sequence.getAndIncrement(), call.timeout());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(ClientErrors.toMicro(e));
    }
    Duration dial = dialTimeout.toNanos() < attemptNanos ? dialTimeout : call.timeout();
    CompletableFuture<@Nullable Object> result = new CompletableFuture<>();
    pool.acquire(address, dial).whenComplete((conn, dialError) -> {
      if (dialError != null) {
        result.completeExceptionally(ClientErrors.connection(address, dialError));
        return;
      }
      long left = attemptNanos - (System.nanoTime() - start);
      if (left <= 0) {
        pool.release(conn, true);
        result.completeExceptionally(MicroException.timeout(RetryPolicy.CLIENT_ID,
            "%s: no time left for the request after dialling (attempt timeout: %d ms)",
            address, call.timeout().toMillis()));
        return;
      }
      exchange(conn, message, Duration.ofNanos(left), call, mucp, result);
    });
    return result;
  }

  private void exchange(ConnectionPool.Connection conn, Message message, Duration wait, Call call,
      boolean mucp, CompletableFuture<@Nullable Object> result) {
    Socket socket = conn.socket();
    CompletableFuture<Message> reply;
    try {
      reply = socket.receive(wait);
      socket.send(message).whenComplete((v, sendError) -> {
        if (sendError != null) {
          // the reply can no longer come: fail the receive so that the branch below reports it
          reply.completeExceptionally(ClientErrors.connection(conn.address(), sendError));
        }
      });
    } catch (RuntimeException e) {
      pool.release(conn, false);
      result.completeExceptionally(ClientErrors.connection(conn.address(), e));
      return;
    }
    reply.whenComplete((msg, receiveError) -> {
      if (receiveError != null) {
        pool.release(conn, false);
        Throwable cause = ClientErrors.unwrap(receiveError);
        boolean timedOut = cause instanceof MicroException me && me.code() == 408;
        result.completeExceptionally(timedOut || RetryPolicy.isConnectionError(cause)
            ? cause : ClientErrors.connection(conn.address(), cause));
        return;
      }
      try {
        Object value = wire.reply(msg, call.request().contentType(), mucp, call.responseType());
        pool.release(conn, true);
        result.complete(value);
      } catch (RuntimeException e) {
        pool.release(conn, false);
        result.completeExceptionally(ClientErrors.toMicro(e));
      }
    });
  }
}
