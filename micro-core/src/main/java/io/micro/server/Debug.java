package io.micro.server;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The built-in {@code Debug} handler of every server: {@code Debug.Health} answers
 * {@code {"status":"ok"}} and {@code Debug.Stats} reports process statistics, with the field names
 * of go-micro's {@code debug.proto}. It is served but not advertised in the registry (go-micro's
 * internal handlers were not either).
 */
final class Debug {
  private final long startedMillis = System.currentTimeMillis();
  private final LongAdder requests = new LongAdder();
  private final LongAdder errors = new LongAdder();

  /** {@code Debug.Health}. */
  public HealthResponse health(HealthRequest request) {
    return new HealthResponse("ok");
  }

  /** {@code Debug.Stats}. */
  public StatsResponse stats(StatsRequest request) {
    Runtime rt = Runtime.getRuntime();
    long gcMillis = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      gcMillis += Math.max(0, gc.getCollectionTime());
    }
    long now = System.currentTimeMillis();
    return new StatsResponse(
        TimeUnit.MILLISECONDS.toSeconds(now),
        TimeUnit.MILLISECONDS.toSeconds(startedMillis),
        TimeUnit.MILLISECONDS.toSeconds(now - startedMillis),
        rt.totalMemory() - rt.freeMemory(),
        Thread.activeCount(),
        TimeUnit.MILLISECONDS.toNanos(gcMillis),
        requests.sum(),
        errors.sum());
  }

  void countRequest() {
    requests.increment();
  }

  void countError() {
    errors.increment();
  }

  /** {@code debug.HealthRequest}. */
  record HealthRequest(String service) {}

  /** {@code debug.HealthResponse}. */
  record HealthResponse(String status) {}

  /** {@code debug.StatsRequest}. */
  record StatsRequest(String service) {}

  /**
   * {@code debug.StatsResponse}: unix seconds, seconds, bytes in use, live threads, total GC time
   * in nanoseconds, calls served and calls answered with an error.
   */
  record StatsResponse(long timestamp, long started, long uptime, long memory, long threads,
      long gc, long requests, long errors) {}
}
