package io.micro.registry.spi;

import io.micro.registry.Service;
import io.micro.registry.Watcher;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Watcher} fed by its registry through {@link #offer(String, Service)}: results are
 * delivered in the order they were offered. Registry implementations (built-in and plugins) use it
 * so that every registry's watcher behaves the same.
 *
 * <p>Thread-safe: any thread may offer while another blocks in {@link #next(Duration)}. The queue is
 * unbounded; a watcher nobody reads keeps its results until it is closed.
 */
public final class QueueWatcher implements Watcher {
  private static final Result CLOSED = new Result("closed", Service.of("", ""));

  private final String service;
  private final Runnable onClose;
  private final LinkedBlockingQueue<Result> queue = new LinkedBlockingQueue<>();
  private volatile boolean closed;

  /**
   * A watcher of one service.
   *
   * @param service the service name to report, or an empty string for every service
   * @param onClose run once when the watcher is closed, e.g. to unsubscribe it from its registry
   */
  public QueueWatcher(String service, Runnable onClose) {
    this.service = service;
    this.onClose = onClose;
  }

  /** Whether a change of {@code serviceName} is of interest to this watcher. */
  public boolean wants(String serviceName) {
    return service.isEmpty() || service.equals(serviceName);
  }

  /**
   * Queues a change if this watcher wants it and is open.
   *
   * @param action {@code create}, {@code update} or {@code delete}
   */
  public void offer(String action, Service changed) {
    if (!closed && wants(changed.name())) {
      queue.add(new Result(action, changed));
    }
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalStateException when the watcher is or becomes closed
   */
  @Override
  public Optional<Result> next(Duration timeout) {
    if (closed) {
      throw new IllegalStateException("watcher of '" + service + "' is closed");
    }
    Result result;
    try {
      result = queue.poll(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
    if (result == CLOSED || closed) {
      queue.offer(CLOSED);
      throw new IllegalStateException("watcher of '" + service + "' is closed");
    }
    return Optional.ofNullable(result);
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return closed;
  }

  /** Stops the watcher and wakes a blocked {@link #next(Duration)}; idempotent. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    queue.clear();
    queue.offer(CLOSED);
    onClose.run();
  }
}
