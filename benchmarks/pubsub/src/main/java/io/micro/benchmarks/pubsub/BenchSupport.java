package io.micro.benchmarks.pubsub;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** What every pub/sub benchmark needs: time-stamped bodies, medians and this JVM's CPU time. */
final class BenchSupport {
  private BenchSupport() {}

  /** The median of one measure over the runs (the upper one for an even count). */
  static <T> double median(List<T> runs, ToDoubleFunction<T> measure) {
    double[] v = runs.stream().mapToDouble(measure).sorted().toArray();
    return v[v.length / 2];
  }

  /**
   * A body of {@code size} bytes (at least 8) filled with {@code fill}, whose first 8 bytes are the
   * {@link System#nanoTime()} of its creation, so the receiver can compute the latency.
   */
  static byte[] stampedBody(int size, byte fill) {
    byte[] b = new byte[Math.max(8, size)];
    if (fill != 0) {
      Arrays.fill(b, fill);
    }
    ByteBuffer.wrap(b).putLong(System.nanoTime());
    return b;
  }

  /** The CPU time this JVM has used so far, in nanoseconds. */
  static long jvmCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }
}
