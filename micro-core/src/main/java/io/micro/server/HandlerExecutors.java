package io.micro.server;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/** Builds the executor of an {@link ExecutionMode}; {@code null} for {@link ExecutionMode#DIRECT}. */
final class HandlerExecutors {
  /** Calls that may wait for a pool thread before new ones are refused with 503. */
  static final int POOL_QUEUE = 1024;

  private HandlerExecutors() {}

  /** True when this runtime has virtual threads (Java 21+). */
  static boolean virtualThreadsAvailable() {
    return Runtime.version().feature() >= 21;
  }

  /** The mode {@code mode} resolves to on this runtime ({@code AUTO} becomes VIRTUAL or POOL). */
  static ExecutionMode resolve(ExecutionMode mode) {
    if (mode == ExecutionMode.AUTO) {
      return virtualThreadsAvailable() ? ExecutionMode.VIRTUAL : ExecutionMode.POOL;
    }
    if (mode == ExecutionMode.VIRTUAL && !virtualThreadsAvailable()) {
      throw new IllegalStateException("server_execution: virtual on Java "
          + Runtime.version().feature() + " (expected: Java 21 or later; use pool)");
    }
    return mode;
  }

  /** A new executor for {@code mode} (already resolved), owned by the caller. */
  static @Nullable ExecutorService create(ExecutionMode mode, String serverName) {
    return switch (resolve(mode)) {
      case DIRECT -> null;
      case VIRTUAL -> virtual();
      default -> pool(serverName);
    };
  }

  /** Java 21's {@code Executors.newVirtualThreadPerTaskExecutor()}, called reflectively (we compile for 17). */
  private static ExecutorService virtual() {
    try {
      return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("virtual threads: cannot create executor on Java "
          + Runtime.version(), e);
    }
  }

  private static ExecutorService pool(String serverName) {
    int threads = Math.max(16, 8 * Runtime.getRuntime().availableProcessors());
    AtomicInteger n = new AtomicInteger();
    ThreadFactory factory = r -> {
      Thread t = new Thread(r, "micro-handler-" + serverName + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(POOL_QUEUE), factory, new ThreadPoolExecutor.AbortPolicy());
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }
}
