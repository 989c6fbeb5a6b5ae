package io.micro.toolkit.http;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntConsumer;

/**
 * Micro's request statistics ({@code --enable_stats}, path {@code /stats}): responses counted by
 * status class ({@code 20x}, {@code 30x}, {@code 40x}, {@code 50x}) in 5-second windows, the last
 * 24 kept, plus process information. Feed it with {@link HttpServer.Builder#onResponse} and serve
 * {@link #handler()}: JSON when the request's {@code Content-Type} or {@code Accept} is {@code
 * application/json}, otherwise an HTML page that refreshes itself. Thread-safe.
 */
public final class HttpStats implements IntConsumer {
  static final long WINDOW_MS = 5_000;
  static final int WINDOWS = 24;
  private static final String[] CLASSES = {"20x", "30x", "40x", "50x"};

  private final Clock clock;
  private final long started;
  private final ArrayDeque<Window> done = new ArrayDeque<>();
  private volatile Window current;

  private HttpStats(Clock clock) {
    this.clock = clock;
    this.started = clock.millis() / 1000;
    this.current = new Window(align(clock.millis()));
  }

  /** Statistics on the system clock. */
  public static HttpStats create() {
    return new HttpStats(Clock.systemUTC());
  }

  static HttpStats create(Clock clock) {
    return new HttpStats(clock);
  }

  /** Counts one response with {@code status}. */
  @Override
  public void accept(int status) {
    window().count(status);
  }

  private Window window() {
    long now = clock.millis();
    Window w = current;
    if (now < w.start + WINDOW_MS) {
      return w;
    }
    synchronized (this) {
      w = current;
      if (now >= w.start + WINDOW_MS) {
        done.addLast(w);
        while (done.size() > WINDOWS - 1) {
          done.removeFirst();
        }
        w = new Window(align(now));
        current = w;
      }
      return w;
    }
  }

  private static long align(long ms) {
    return ms - ms % WINDOW_MS;
  }

  /**
   * The JSON document: {@code {"started":..,"memory":"3.21mb","threads":..,"gc_pause":"1.234ms",
   * "counters":[{"timestamp":..,"status_codes":{"20x":..},"total_reqs":..}]}}, oldest window first.
   */
  public String json() {
    window();
    StringBuilder b = new StringBuilder(512);
    Runtime rt = Runtime.getRuntime();
    long gcMs = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      gcMs += Math.max(0, gc.getCollectionTime());
    }
    b.append("{\"started\":").append(started)
        .append(",\"memory\":\"").append(String.format(Locale.ROOT, "%.2fmb", (rt.totalMemory() - rt.freeMemory()) / 1048576.0))
        .append("\",\"threads\":").append(Thread.activeCount())
        .append(",\"gc_pause\":\"").append(gcMs).append("ms\",\"counters\":[");
    synchronized (this) {
      boolean first = true;
      for (Window w : done) {
        first = w.append(b, first);
      }
      current.append(b, first);
    }
    return b.append("]}").toString();
  }

  /** The {@code /stats} handler. */
  public HttpHandler handler() {
    return req -> {
      String ct = req.contentType();
      String accept = req.header("Accept");
      boolean json = ct.equals("application/json") || (accept != null && accept.contains("application/json"));
      return CompletableFuture.completedFuture(json
          ? HttpResponse.json(200, json().getBytes(StandardCharsets.UTF_8))
          : HttpResponse.ok("text/html; charset=utf-8", PAGE));
    };
  }

  private static final class Window {
    final long start;
    final LongAdder[] counts = {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder()};
    final LongAdder total = new LongAdder();

    Window(long start) {
      this.start = start;
    }

    void count(int status) {
      int c = status / 100 - 2;
      if (c >= 0 && c < 4) {
        counts[c].increment();
      }
      total.increment();
    }

    boolean append(StringBuilder b, boolean first) {
      if (!first) {
        b.append(',');
      }
      b.append("{\"timestamp\":").append(start / 1000).append(",\"status_codes\":{");
      for (int i = 0; i < 4; i++) {
        b.append(i == 0 ? "" : ",").append('"').append(CLASSES[i]).append("\":").append(counts[i].sum());
      }
      b.append("},\"total_reqs\":").append(total.sum()).append('}');
      return false;
    }
  }

  private static final String PAGE = """
      <!DOCTYPE html>
      <html><head><meta charset="utf-8"><title>Stats</title>
      <style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:1em}
      td,th{border:1px solid #ccc;padding:4px 10px;text-align:left}</style></head>
      <body><h1>Stats</h1>
      <h2>Info</h2><table id="info"></table>
      <h2>Requests</h2><table id="reqs"></table>
      <h2>Request Load</h2><svg id="chart" width="720" height="200" style="border:1px solid #ccc"></svg>
      <script>
      function row(k,v){return '<tr><th>'+k+'</th><td>'+v+'</td></tr>';}
      async function load(){
        const r = await fetch(location.pathname,{headers:{'Content-Type':'application/json','Accept':'application/json'}});
        const s = await r.json();
        const up = Math.floor(Date.now()/1000) - s.started;
        document.getElementById('info').innerHTML = row('Started',new Date(s.started*1000).toISOString())
          + row('Uptime',up+'s') + row('Memory',s.memory) + row('Threads',s.threads) + row('GC',s.gc_pause);
        const sum = {total:0,'20x':0,'40x':0,'50x':0};
        for (const c of s.counters){sum.total+=c.total_reqs;for(const k of ['20x','40x','50x'])sum[k]+=c.status_codes[k];}
        document.getElementById('reqs').innerHTML = row('Total',sum.total)+row('20x',sum['20x'])+row('40x',sum['40x'])+row('50x',sum['50x']);
        const max = Math.max(1,...s.counters.map(c=>c.total_reqs));
        const colors = {'20x':'green','40x':'orange','50x':'red'};
        let svg = '';
        for (const k of ['20x','40x','50x']){
          const pts = s.counters.map((c,i)=>(i*30)+','+(195-190*c.status_codes[k]/max)).join(' ');
          svg += '<polyline fill="none" stroke="'+colors[k]+'" points="'+pts+'"><title>'+k+'</title></polyline>';
        }
        document.getElementById('chart').innerHTML = svg;
      }
      load(); setInterval(load, 5000);
      </script></body></html>
      """;
}
