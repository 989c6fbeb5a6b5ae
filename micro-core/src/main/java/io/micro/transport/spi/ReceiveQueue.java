package io.micro.transport.spi;

import io.micro.errors.MicroException;
import io.micro.transport.Message;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The inbox of a client socket: messages (or per-message errors) in arrival order, at most one
 * pending {@link #receive(Duration)}, a 408 when nothing arrives in time, and a terminal failure
 * once the connection is gone (after the messages that arrived before it were taken).
 *
 * <p>Safe for concurrent use: the transport's I/O thread offers, any thread receives. Futures are
 * completed outside the internal lock.
 */
public final class ReceiveQueue {
  private final ScheduledExecutorService timers;
  private final String peer;
  private final ArrayDeque<Object> items = new ArrayDeque<>();
  private @Nullable CompletableFuture<Message> waiting;
  private @Nullable ScheduledFuture<?> timer;
  private @Nullable Throwable failure;

  /**
   * A queue for the connection to {@code peer}.
   *
   * @param timers runs receive timeouts (an event loop will do)
   * @param peer the remote address, named in timeout errors
   */
  public ReceiveQueue(ScheduledExecutorService timers, String peer) {
    this.timers = timers;
    this.peer = peer;
  }

  /**
   * The next message; fails with the queued error, with a 408 {@link MicroException} after
   * {@code timeout}, or with the terminal failure. A second receive while one is pending fails
   * with {@link IllegalStateException}.
   */
  public CompletableFuture<Message> receive(Duration timeout) {
    Object item;
    synchronized (this) {
      item = items.poll();
      if (item == null) {
        if (failure != null) {
          return CompletableFuture.failedFuture(failure);
        }
        if (waiting != null) {
          return CompletableFuture.failedFuture(
              new IllegalStateException("receive: a receive is already pending on " + peer));
        }
        CompletableFuture<Message> f = new CompletableFuture<>();
        waiting = f;
        long nanos = timeout.toNanos();
        if (nanos > 0 && nanos < Long.MAX_VALUE) {
          timer = timers.schedule(() -> expire(f, timeout), nanos, TimeUnit.NANOSECONDS);
        }
        return f;
      }
    }
    return completed(item);
  }

  /** How many messages and errors wait to be received. */
  public synchronized int size() {
    return items.size();
  }

  /** Delivers a message. */
  public void offer(Message message) {
    deliver(message);
  }

  /** Delivers an error in place of one message (the connection stays usable). */
  public void offerError(RuntimeException error) {
    deliver(error);
  }

  /** Fails the pending receive and every later one with {@code cause}, after the queued items. */
  public void fail(Throwable cause) {
    CompletableFuture<Message> f;
    synchronized (this) {
      if (failure != null) {
        return;
      }
      failure = cause;
      f = takeWaiting();
    }
    if (f != null) {
      f.completeExceptionally(cause);
    }
  }

  private void deliver(Object item) {
    CompletableFuture<Message> f;
    synchronized (this) {
      if (failure != null) {
        return;
      }
      f = takeWaiting();
      if (f == null) {
        items.add(item);
        return;
      }
    }
    complete(f, item);
  }

  private void expire(CompletableFuture<Message> f, Duration timeout) {
    synchronized (this) {
      if (waiting != f) {
        return;
      }
      waiting = null;
      timer = null;
    }
    f.completeExceptionally(MicroException.timeout("go.micro.client",
        "no response from %s within %d ms", peer, timeout.toMillis()));
  }

  private @Nullable CompletableFuture<Message> takeWaiting() {
    CompletableFuture<Message> f = waiting;
    waiting = null;
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    return f;
  }

  private static CompletableFuture<Message> completed(Object item) {
    return item instanceof Message m
        ? CompletableFuture.completedFuture(m)
        : CompletableFuture.failedFuture((Throwable) item);
  }

  private static void complete(CompletableFuture<Message> f, Object item) {
    if (item instanceof Message m) {
      f.complete(m);
    } else {
      f.completeExceptionally((Throwable) item);
    }
  }
}
