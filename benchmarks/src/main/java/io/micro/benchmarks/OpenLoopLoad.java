package io.micro.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop HTTP/1.1 load generator: sends one POST every {@code 1/rate} seconds, at the
 * scheduled time whatever the answers do, and measures each latency from its <b>scheduled</b>
 * send time (so a stall counts for every request it delays: no coordinated omission).
 *
 * <p>Requests go over 64 keep-alive connections, each serving one request at a time; a request
 * whose time has come waits in a queue for a free connection (that wait is part of its latency).
 * The first WARMUP seconds (default 3) are sent but not recorded. Plain
 * sockets and a tiny response reader keep the generator's own cost small and constant, so that
 * the difference between two targets is the targets'.
 *
 * <pre>
 * java -cp benchmarks/target/classes io.micro.benchmarks.OpenLoopLoad URL BODY RATE SECONDS [WARMUP]
 * </pre>
 * Prints one line: {@code sent=N ok=N errors=N p50_us=.. p90_us=.. p99_us=.. p999_us=.. max_us=..}.
 */
public final class OpenLoopLoad {
  private final String host;
  private final int port;
  private final byte[] request;
  private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "load");
    t.setDaemon(true);
    return t;
  });
  private final long[] latencies;
  private final LinkedBlockingQueue<long[]> queue = new LinkedBlockingQueue<>();
  private final AtomicInteger done = new AtomicInteger();
  private final AtomicInteger errors = new AtomicInteger();

  /** Keep-alive connections, each with one request at a time; requests wait in a queue for one. */
  private static final int CONNECTIONS = 64;

  private OpenLoopLoad(URI uri, String body, int max) {
    this.host = uri.getHost();
    this.port = uri.getPort();
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    String head = "POST " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + host + ":" + port
        + "\r\nContent-Type: application/json\r\nContent-Length: " + b.length + "\r\n\r\n";
    byte[] h = head.getBytes(StandardCharsets.US_ASCII);
    this.request = Arrays.copyOf(h, h.length + b.length);
    System.arraycopy(b, 0, request, h.length, b.length);
    this.latencies = new long[max];
  }

  /** One keep-alive connection and its reader thread. */
  private final class Conn {
    final Socket socket;
    final OutputStream out;
    final InputStream in;
    final byte[] buf = new byte[64 << 10];

    Conn() throws IOException {
      socket = new Socket();
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress(host, port), 5000);
      socket.setSoTimeout(30_000);
      out = socket.getOutputStream();
      in = socket.getInputStream();
    }

    /** Sends, reads the whole answer, returns whether it was 200. Blocking. */
    boolean exchange() throws IOException {
      out.write(request);
      out.flush();
      int n = 0;
      int headerEnd = -1;
      int length = -1;
      while (true) {
        int r = in.read(buf, n, buf.length - n);
        if (r < 0) {
          throw new IOException("connection closed");
        }
        n += r;
        if (headerEnd < 0) {
          headerEnd = indexOf(buf, n);
          if (headerEnd >= 0) {
            length = contentLength(new String(buf, 0, headerEnd, StandardCharsets.US_ASCII));
          }
        }
        if (headerEnd >= 0 && n >= headerEnd + 4 + length) {
          return buf[9] == '2' && buf[10] == '0' && buf[11] == '0';
        }
      }
    }
  }

  private static int indexOf(byte[] b, int n) {
    for (int i = 0; i + 3 < n; i++) {
      if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static int contentLength(String head) {
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).equalsIgnoreCase("content-length")) {
        return Integer.parseInt(line.substring(colon + 1).strip());
      }
    }
    return 0;
  }

  /** One connection's loop: takes the next due request, sends it, records its latency. */
  private void work() {
    Conn conn = null;
    while (true) {
      long[] job;
      try {
        job = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      try {
        if (conn == null) {
          conn = new Conn();
        }
        boolean ok = conn.exchange();
        if (job[1] >= 0) {
          latencies[(int) job[1]] = (System.nanoTime() - job[0]) / 1000;
        }
        if (!ok) {
          errors.incrementAndGet();
        }
      } catch (IOException e) {
        errors.incrementAndGet();
        if (conn != null) {
          try {
            conn.socket.close();
          } catch (IOException ignored) {
            // closing a broken connection
          }
        }
        conn = null;
      } finally {
        done.incrementAndGet();
      }
    }
  }

  /** Runs the load; args: URL BODY RATE SECONDS [WARMUP]. */
  public static void main(String[] args) throws Exception {
    URI uri = URI.create(args[0]);
    String body = args[1];
    int rate = Integer.parseInt(args[2]);
    int seconds = Integer.parseInt(args[3]);
    int warmup = args.length > 4 ? Integer.parseInt(args[4]) : 3;
    int total = rate * seconds;
    int warm = rate * warmup;
    OpenLoopLoad load = new OpenLoopLoad(uri, body, total);
    for (int i = 0; i < CONNECTIONS; i++) {
      load.workers.execute(load::work);
    }
    long interval = 1_000_000_000L / rate;
    long start = System.nanoTime() + 10_000_000L;
    for (int i = 0; i < warm + total; i++) {
      long scheduled = start + i * interval;
      long wait;
      while ((wait = scheduled - System.nanoTime()) > 0) {
        if (wait > 200_000) {
          LockSupport.parkNanos(wait - 100_000);
        } else {
          Thread.onSpinWait();
        }
      }
      load.queue.add(new long[] {scheduled, i - warm});
    }
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (load.done.get() < warm + total && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    long[] ok = Arrays.stream(load.latencies).filter(l -> l > 0).sorted().toArray();
    System.out.printf("sent=%d ok=%d errors=%d p50_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d%n",
        total, ok.length, load.errors.get(), pct(ok, 50), pct(ok, 90), pct(ok, 99), pct(ok, 99.9),
        ok.length == 0 ? 0 : ok[ok.length - 1]);
    System.exit(0);
  }

  private static long pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }
}
