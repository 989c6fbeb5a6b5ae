package io.micro.toolkit.web;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Request counters for {@code /stats}: 5-second windows keyed {@code 20x}/{@code 30x}/{@code
 * 40x}/{@code 50x}, at most 24 kept (about two minutes), plus process information. Records the
 * real status of every response. Thread-safe.
 */
final class Stats {

  static final long WINDOW_MILLIS = 5_000;
  static final int MAX_WINDOWS = 24;

  private final long started = System.currentTimeMillis();
  private final ArrayDeque<Window> windows = new ArrayDeque<>();

  private static final class Window {
    final long start;
    final Map<String, Long> codes = new LinkedHashMap<>();
    long total;

    Window(long start) {
      this.start = start;
    }
  }

  /** Counts one response with HTTP {@code status}. */
  synchronized void record(int status) {
    long now = System.currentTimeMillis();
    long start = now - now % WINDOW_MILLIS;
    Window w = windows.peekLast();
    if (w == null || w.start != start) {
      w = new Window(start);
      windows.addLast(w);
      while (windows.size() > MAX_WINDOWS) {
        windows.removeFirst();
      }
    }
    w.codes.merge((status / 100) + "0x", 1L, Long::sum);
    w.total++;
  }

  /** The JSON document of {@code GET /stats}: started, memory, threads, gc_pause, counters. */
  synchronized Map<String, Object> snapshot() {
    Runtime rt = Runtime.getRuntime();
    long gcMillis = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      gcMillis += Math.max(0, gc.getCollectionTime());
    }
    List<Map<String, Object>> counters = new ArrayList<>();
    for (Window w : windows) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("timestamp", w.start / 1000);
      c.put("status_codes", new LinkedHashMap<>(w.codes));
      c.put("total_reqs", w.total);
      counters.add(c);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("started", started / 1000);
    m.put("memory", String.format(java.util.Locale.ROOT, "%.2fmb",
        (rt.totalMemory() - rt.freeMemory()) / 1048576.0));
    m.put("threads", Thread.activeCount());
    m.put("gc_pause", gcMillis + "ms");
    m.put("counters", counters);
    return m;
  }
}
