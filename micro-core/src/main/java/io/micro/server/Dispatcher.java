package io.micro.server;

import io.micro.errors.MicroException;
import io.micro.transport.Listener;
import io.micro.transport.Message;
import io.micro.transport.Socket;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listener handler of a server: takes messages off the transport's I/O threads, runs them on
 * the execution mode's executor (or in place for DIRECT) and sends the replies.
 *
 * <p>Calls on one connection are served one after the other, so replies leave in request order
 * (HTTP/1.1 has no other way to match them); calls on different connections run in parallel. The
 * per-connection queue is dropped when empty, so no state outlives a connection. Stream messages
 * ({@code Micro-Stream}) bypass the queue and go to {@link MucpStreams}.
 */
final class Dispatcher implements Listener.Handler {
  /** Pipelined calls one connection may have waiting before it is closed as abusive. */
  static final int MAX_PIPELINED = 1024;
  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

  private final String serverName;
  private final Router router;
  private final @Nullable Executor executor;
  private final InFlight inFlight;
  private final ConcurrentHashMap<Socket, ArrayDeque<Call>> queues = new ConcurrentHashMap<>();
  private final MucpStreams streams;

  Dispatcher(String serverName, Router router, @Nullable Executor executor, InFlight inFlight) {
    this.serverName = serverName;
    this.router = router;
    this.executor = executor;
    this.inFlight = inFlight;
    // DIRECT: a unary handler reached as a stream (a gRPC unary call) runs in place once its request
    // arrived, as a mucp unary call does; stream handlers, which wait on their peer, get a thread
    this.streams = new MucpStreams(serverName, router,
        executor != null ? executor : Dispatcher::streamThread, executor != null ? executor : Runnable::run,
        inFlight);
  }

  /** Where stream handlers run in DIRECT mode: they block, so never on an I/O thread. */
  private static void streamThread(Runnable task) {
    Thread t = new Thread(task, "micro-stream");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void onMessage(Socket socket, Message message) {
    String streamId = MucpStreams.streamId(message);
    if (streamId != null) {
      streams.onMessage(socket, message, streamId, deadline(message));
      return;
    }
    Call call = new Call(socket, message, deadline(message));
    boolean[] first = new boolean[1];
    boolean[] overflow = new boolean[1];
    queues.compute(socket, (s, q) -> {
      ArrayDeque<Call> queue = q == null ? new ArrayDeque<>() : q;
      if (queue.size() >= MAX_PIPELINED) {
        overflow[0] = true;
      } else {
        queue.add(call);
        first[0] = queue.size() == 1;
      }
      return queue;
    });
    if (overflow[0]) {
      LOG.warn("{}: closing connection from {}: more than {} pipelined calls", serverName,
          socket.remote(), MAX_PIPELINED);
      socket.close();
      return;
    }
    inFlight.begin();
    if (first[0]) {
      start(call);
    }
  }

  private void start(Call call) {
    if (executor == null) {
      drive(call);
      return;
    }
    try {
      executor.execute(() -> drive(call));
    } catch (RejectedExecutionException e) {
      MicroException busy = MicroException.of(serverName, 503, "server busy: " + HandlerExecutors.POOL_QUEUE
          + " calls already queued (expected: fewer; retry later)");
      Call next = finish(call, router.refuse(call.message, busy));
      if (next != null) {
        start(next);
      }
    }
  }

  /** Serves {@code call} and, while replies are ready at once, the calls queued behind it. */
  private void drive(Call first) {
    Call call = first;
    while (call != null) {
      CompletableFuture<Message> reply =
          router.serve(call.message, call.socket.local(), call.socket.remote(), call.deadline);
      if (!reply.isDone()) {
        Call pending = call;
        reply.thenAccept(m -> {
          Call next = finish(pending, m);
          if (next != null) {
            start(next);
          }
        });
        return;
      }
      call = finish(call, reply.join());
    }
  }

  /** Sends the reply of the head call and returns the next call of that connection, if any. */
  private @Nullable Call finish(Call call, Message reply) {
    try {
      call.socket.send(reply).whenComplete((ok, error) -> {
        inFlight.end();
        if (error != null) {
          LOG.debug("{}: reply to {} not sent: {}", serverName, call.socket.remote(), error.toString());
        }
      });
    } catch (RuntimeException e) {
      inFlight.end();
      LOG.debug("{}: reply to {} not sent: {}", serverName, call.socket.remote(), e.toString());
    }
    Call[] next = new Call[1];
    queues.computeIfPresent(call.socket, (s, q) -> {
      q.poll();
      next[0] = q.peek();
      return q.isEmpty() ? null : q;
    });
    return next[0];
  }

  @Override
  public void onClose(Socket socket) {
    streams.onClose(socket);
    // queued calls still finish (their replies fail to send); the queue disappears when empty
  }

  private static @Nullable Long deadline(Message message) {
    String timeout = message.header("Timeout");
    if (timeout == null || timeout.isBlank()) {
      return null;
    }
    try {
      long nanos = Long.parseLong(timeout.strip());
      return nanos > 0 ? System.nanoTime() + nanos : null;
    } catch (NumberFormatException e) {
      return null; // as go-micro: an unreadable Timeout is ignored
    }
  }

  private record Call(Socket socket, Message message, @Nullable Long deadline) {}
}
