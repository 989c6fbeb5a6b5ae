package io.micro.client;

import io.micro.errors.MicroException;
import io.micro.transport.Socket;
import io.micro.transport.Transport;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Idle client connections per node address, as go-micro's pool: a connection is used by one call at
 * a time (taken out of the pool while in use), given back after a success, closed after an error
 * or when the address already holds {@code size} idle connections, and never reused once older
 * than {@code ttl} (counted from when it was dialled). Safe for concurrent use.
 */
final class ConnectionPool implements AutoCloseable {
  private final Transport transport;
  private final int size;
  private final long ttlNanos;
  private final ConcurrentHashMap<String, ArrayDeque<Connection>> idle = new ConcurrentHashMap<>();
  private final AtomicLong dials = new AtomicLong();
  private volatile boolean closed;

  ConnectionPool(Transport transport, int size, Duration ttl) {
    this.transport = transport;
    this.size = size;
    this.ttlNanos = ttl.toNanos();
  }

  /** A live idle connection to {@code address}, or a new one dialled within {@code dialTimeout}. */
  CompletableFuture<Connection> acquire(String address, Duration dialTimeout) {
    ArrayDeque<Connection> q = idle.get(address);
    if (q != null) {
      while (true) {
        Connection c;
        synchronized (q) {
          c = q.pollLast();
        }
        if (c == null) {
          break;
        }
        if (usable(c)) {
          return CompletableFuture.completedFuture(c);
        }
        c.socket().close();
      }
    }
    dials.incrementAndGet();
    return transport.dial(address, dialTimeout)
        .thenApply(s -> new Connection(address, s, System.nanoTime()));
  }

  /** A new connection that never joins the pool (streams own theirs, as go-micro's do). */
  CompletableFuture<io.micro.transport.Socket> dial(String address, Duration dialTimeout) {
    if (closed) {
      return CompletableFuture.failedFuture(
          MicroException.internalServerError(RetryPolicy.CLIENT_ID, "client closed"));
    }
    dials.incrementAndGet();
    return transport.dial(address, dialTimeout);
  }

  /** Gives {@code c} back: kept when {@code healthy} and there is room, closed otherwise. */
  void release(Connection c, boolean healthy) {
    if (!healthy || closed || !usable(c)) {
      c.socket().close();
      return;
    }
    ArrayDeque<Connection> q = idle.computeIfAbsent(c.address(), a -> new ArrayDeque<>());
    boolean kept;
    synchronized (q) {
      kept = q.size() < size;
      if (kept) {
        q.addLast(c);
      }
    }
    if (!kept) {
      c.socket().close();
    } else if (closed) {
      drain();
    }
  }

  /** How many connections were dialled so far (for tests and metrics). */
  long dials() {
    return dials.get();
  }

  /** How many idle connections {@code address} holds now. */
  int idle(String address) {
    ArrayDeque<Connection> q = idle.get(address);
    if (q == null) {
      return 0;
    }
    synchronized (q) {
      return q.size();
    }
  }

  /** Closes every idle connection; connections in use are closed when released. */
  @Override
  public void close() {
    closed = true;
    drain();
  }

  private void drain() {
    List<Connection> all = new ArrayList<>();
    for (ArrayDeque<Connection> q : idle.values()) {
      synchronized (q) {
        all.addAll(q);
        q.clear();
      }
    }
    all.forEach(c -> c.socket().close());
  }

  private boolean usable(Connection c) {
    return c.socket().isOpen() && System.nanoTime() - c.createdNanos() < ttlNanos;
  }

  /** A dialled connection and when it was dialled. */
  record Connection(String address, Socket socket, long createdNanos) {}
}
