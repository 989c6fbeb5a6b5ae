package io.micro.plugins.broker.rabbitmq;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** The threads handlers run on: virtual threads on Java 21+, a bounded daemon pool on Java 17. */
final class HandlerThreads {
  private HandlerThreads() {}

  static ExecutorService create() {
    if (Runtime.version().feature() >= 21) {
      try {
        return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
      } catch (ReflectiveOperationException e) {
        // fall through to platform threads
      }
    }
    int n = Math.max(8, 2 * Runtime.getRuntime().availableProcessors());
    return Executors.newFixedThreadPool(n, daemon("micro-rabbitmq-handler-"));
  }

  static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
