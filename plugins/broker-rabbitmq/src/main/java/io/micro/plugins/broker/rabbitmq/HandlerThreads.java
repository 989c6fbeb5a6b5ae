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
        // Thread.ofVirtual().name("micro-rabbitmq-handler-", 1).factory(), named for the logs
        Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
        Class<?> builderType = Class.forName("java.lang.Thread$Builder");
        builder = builderType.getMethod("name", String.class, long.class).invoke(builder, "micro-rabbitmq-handler-", 1L);
        ThreadFactory factory = (ThreadFactory) builderType.getMethod("factory").invoke(builder);
        return (ExecutorService) Executors.class.getMethod("newThreadPerTaskExecutor", ThreadFactory.class)
            .invoke(null, factory);
      } catch (ReflectiveOperationException | ClassCastException e) {
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
