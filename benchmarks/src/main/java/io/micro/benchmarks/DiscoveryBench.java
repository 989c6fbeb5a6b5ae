package io.micro.benchmarks;

import io.micro.errors.MicroException;
import io.micro.registry.Node;
import io.micro.registry.Service;
import io.micro.registry.mdns.MdnsRegistry;
import io.micro.selector.CacheSelector;
import io.micro.selector.Filter;
import io.micro.selector.SelectOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Discovery latencies over mDNS on loopback, as a client's caching selector sees them:
 *
 * <ol>
 *   <li>register -> routable: one registry registers a new node, another registry instance (its
 *       own sockets, as another process) has a {@link CacheSelector} watching the service; the time
 *       until the selector returns the node. {@code TRIALS} trials (100).
 *   <li>crash -> evicted: a node in a child JVM ({@link DiscoveryNode}, TTL {@code CRASH_TTL} s,
 *       re-registering every half TTL) is killed with SIGKILL (no goodbye); the time from the kill
 *       until the selector stops returning it. {@code CRASH_TRIALS} trials (10).
 * </ol>
 *
 * <p>Prints a Markdown table. System properties: trials, crashTrials, crashTtl.
 */
public final class DiscoveryBench {
  private static final String SERVICE = "bench.discovery";

  private DiscoveryBench() {}

  /** Runs both measurements and prints the results. */
  public static void main(String[] args) throws Exception {
    int trials = Integer.getInteger("trials", 100);
    int crashTrials = Integer.getInteger("crashTrials", 10);
    int crashTtl = Integer.getInteger("crashTtl", 2);
    try (MdnsRegistry writer = MdnsRegistry.builder().hostName("writer").build();
        MdnsRegistry reader = MdnsRegistry.builder().hostName("reader").build();
        CacheSelector selector = CacheSelector.builder(reader).build()) {
      // an anchor node keeps the service cached, so selections are served by cache + watch
      Service anchor = node(SERVICE, "anchor", 19999);
      writer.register(anchor, Duration.ofMinutes(5));
      waitRoutable(selector, "anchor", Duration.ofSeconds(10));

      List<Double> routable = new ArrayList<>();
      for (int i = 0; i < trials; i++) {
        String id = "n-" + UUID.randomUUID();
        Service svc = node(SERVICE, id, 20000 + i);
        long t0 = System.nanoTime();
        writer.register(svc, Duration.ofSeconds(30));
        waitRoutable(selector, id, Duration.ofSeconds(10));
        routable.add((System.nanoTime() - t0) / 1e6);
        writer.deregister(svc);
      }

      List<Double> evicted = new ArrayList<>();
      String java = ProcessHandle.current().info().command().orElse("java");
      String cp = System.getProperty("java.class.path");
      for (int i = 0; i < crashTrials; i++) {
        String id = "crash-" + UUID.randomUUID();
        Process child = new ProcessBuilder(java, "-cp", cp, DiscoveryNode.class.getName(), SERVICE, id,
            String.valueOf(crashTtl)).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.equals("ready")) {
          // skip the child's log lines
        }
        waitRoutable(selector, id, Duration.ofSeconds(10));
        // kill at a random point of its re-registration cycle
        Thread.sleep((long) (Math.random() * crashTtl * 500));
        long t0 = System.nanoTime();
        child.destroyForcibly();
        waitGone(selector, id, Duration.ofSeconds(crashTtl + 30L));
        evicted.add((System.nanoTime() - t0) / 1e6);
        child.waitFor();
      }

      System.out.println("| measurement | trials | p50 | p99 | max | target |");
      System.out.println("|---|---|---|---|---|---|");
      System.out.printf("| mDNS register -> routable in another registry's caching selector | %d | %.1f ms | %.1f ms | %.1f ms | p99 <= 1000 ms |%n",
          trials, pct(routable, 50), pct(routable, 99), pct(routable, 100));
      System.out.printf("| mDNS crash (SIGKILL, TTL %d s) -> evicted from the caching selector | %d | %.0f ms | %.0f ms | %.0f ms | <= %d ms |%n",
          crashTtl, crashTrials, pct(evicted, 50), pct(evicted, 99), pct(evicted, 100), crashTtl * 1000 + 1000);
    }
  }

  private static Service node(String service, String id, int port) {
    return Service.of(service, "1").withNodes(List.of(new Node(id, "127.0.0.1:" + port, Map.of("node", id))));
  }

  private static boolean routable(CacheSelector selector, String id) {
    try {
      return selector.select(SERVICE, SelectOptions.builder().filter(Filter.metadata("node", id)).build())
          .get().id().equals(id);
    } catch (MicroException none) {
      return false;
    }
  }

  private static void waitRoutable(CacheSelector selector, String id, Duration max) throws InterruptedException {
    long end = System.nanoTime() + max.toNanos();
    while (!routable(selector, id)) {
      if (System.nanoTime() > end) {
        throw new IllegalStateException("node " + id + " not routable within " + max);
      }
      Thread.sleep(1);
    }
  }

  private static void waitGone(CacheSelector selector, String id, Duration max) throws InterruptedException {
    long end = System.nanoTime() + max.toNanos();
    while (routable(selector, id)) {
      if (System.nanoTime() > end) {
        throw new IllegalStateException("node " + id + " still routable after " + max);
      }
      Thread.sleep(5);
    }
  }

  /** The p-th percentile (nearest rank). */
  private static double pct(List<Double> values, int p) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }
}
