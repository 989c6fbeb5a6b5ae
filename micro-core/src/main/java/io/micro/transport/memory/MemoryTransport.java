package io.micro.transport.memory;

import io.micro.errors.MicroException;
import io.micro.transport.Listener;
import io.micro.transport.Socket;
import io.micro.transport.Transport;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process transport: listeners are entries in this instance's address table, connections are
 * pairs of {@link Socket}s, and every delivery runs on one daemon thread (the transport's "I/O
 * thread"), so handlers see the same threading as with {@code http}.
 *
 * <pre>{@code
 * try (MemoryTransport transport = MemoryTransport.create()) {
 *   Listener l = transport.listen("memory:0", (socket, msg) -> socket.send(msg));
 *   Socket s = transport.dial(l.address(), Duration.ofSeconds(1)).join();
 * }
 * }</pre>
 *
 * <p>Addresses are any string: {@code memory:N} or {@code host:port}; port 0 (or an empty address)
 * picks an unused number. Only clients of the same instance can dial its listeners. Safe for
 * concurrent use; {@link #close()} closes every listener and connection and stops the thread.
 */
public final class MemoryTransport implements Transport {
  private final Map<String, MemoryListener> listeners = new ConcurrentHashMap<>();
  private final AtomicInteger ports = new AtomicInteger(10000);
  private final ScheduledThreadPoolExecutor loop;
  private final int maxMessageSize;

  private MemoryTransport(int maxMessageSize) {
    this.maxMessageSize = maxMessageSize;
    this.loop = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "micro-memory-transport");
      t.setDaemon(true);
      return t;
    });
    loop.setRemoveOnCancelPolicy(true);
  }

  /** A transport accepting messages up to 4 MiB. */
  public static MemoryTransport create() {
    return new MemoryTransport(4 * 1024 * 1024);
  }

  /** A transport accepting messages up to {@code maxMessageSize} bytes (larger ones get a 413). */
  public static MemoryTransport create(int maxMessageSize) {
    if (maxMessageSize < 1) {
      throw new IllegalArgumentException("maxMessageSize: " + maxMessageSize + " (expected: >= 1)");
    }
    return new MemoryTransport(maxMessageSize);
  }

  /** {@code memory}. */
  @Override
  public String name() {
    return "memory";
  }

  /**
   * Registers {@code handler} under {@code address}; fails with a 500 when the address is taken.
   * The handler runs on the transport's thread.
   */
  @Override
  public Listener listen(String address, Listener.Handler handler) {
    String bound = resolve(address);
    MemoryListener listener = new MemoryListener(this, bound, handler);
    if (listeners.putIfAbsent(bound, listener) != null) {
      throw MicroException.internalServerError("go.micro.transport",
          "listen %s: address already in use", bound);
    }
    return listener;
  }

  /** Connects to a listener of this transport; fails with a 500 {@code connection error} when none listens there. */
  @Override
  public CompletableFuture<Socket> dial(String address, Duration timeout) {
    MemoryListener listener = listeners.get(address);
    if (listener == null || loop.isShutdown()) {
      return CompletableFuture.failedFuture(MicroException.internalServerError("go.micro.client",
          "connection error: dial %s: connection refused", address));
    }
    return CompletableFuture.completedFuture(listener.accept());
  }

  /** Closes every listener and connection and stops the delivery thread. */
  @Override
  public void close() {
    listeners.values().forEach(MemoryListener::close);
    loop.shutdown();
  }

  ScheduledExecutorService loop() {
    return loop;
  }

  int maxMessageSize() {
    return maxMessageSize;
  }

  String nextClientAddress() {
    return "memory:" + ports.incrementAndGet();
  }

  void remove(MemoryListener listener) {
    listeners.remove(listener.address(), listener);
  }

  private String resolve(String address) {
    int colon = address.lastIndexOf(':');
    String port = colon < 0 ? address : address.substring(colon + 1);
    if (!address.isEmpty() && !port.isEmpty() && !port.equals("0")) {
      return address;
    }
    String host = colon <= 0 ? "memory" : address.substring(0, colon);
    return host + ":" + ports.incrementAndGet();
  }
}
