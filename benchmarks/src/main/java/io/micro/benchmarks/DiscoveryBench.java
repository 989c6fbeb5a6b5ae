package io.micro.benchmarks;

import io.micro.errors.MicroException;
import io.micro.registry.Registry;
import io.micro.selector.CacheSelector;
import io.micro.selector.Filter;
import io.micro.selector.SelectOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/**
 * Discovery latencies as a client's caching selector sees them, on the registry {@link
 * BenchRegistry} names (mDNS on loopback, or an etcd on loopback):
 *
 * <ol>
 *   <li>register -> routable: another process ({@link DiscoveryNode} {@code writer}, its own
 *       registry client) registers a new node when told to on its stdin; this process has a {@link
 *       CacheSelector} on its own registry client, already watching the service. The clock runs
 *       from writing the command to the pipe until the selector returns the node. {@code trials}
 *       trials (100).
 *   <li>crash -> evicted: a node in a child JVM ({@link DiscoveryNode} {@code crash}, TTL {@code
 *       crashTtl} s, re-registering every half TTL) is killed with SIGKILL (no goodbye); the time
 *       from the kill until the selector stops returning it. {@code crashTrials} trials (10).
 * </ol>
 *
 * <p>Prints a Markdown table. System properties: trials, crashTrials, crashTtl, registry, etcd.
 */
public final class DiscoveryBench {
  private static final String SERVICE = "bench.discovery";

  private DiscoveryBench() {}

  /** Runs both measurements and prints the results. */
  public static void main(String[] args) throws Exception {
    int trials = Integer.getInteger("trials", 100);
    int crashTrials = Integer.getInteger("crashTrials", 10);
    int crashTtl = Integer.getInteger("crashTtl", 2);
    String label = BenchRegistry.label();
    Process writer = child("writer", SERVICE);
    try (Registry reader = BenchRegistry.open("reader");
        CacheSelector selector = CacheSelector.builder(reader).build();
        BufferedReader replies = lines(writer);
        PrintWriter commands = new PrintWriter(writer.getOutputStream(), true, StandardCharsets.UTF_8)) {
      // an anchor node keeps the service cached, so selections are served by cache + watch
      command(commands, replies, "register anchor 19999 300");
      waitRoutable(selector, "anchor", Duration.ofSeconds(10));

      List<Double> routable = new ArrayList<>();
      for (int i = 0; i < trials; i++) {
        String id = "n-" + UUID.randomUUID();
        int port = 20000 + i;
        long t0 = System.nanoTime();
        commands.println("register " + id + " " + port + " 30");
        waitRoutable(selector, id, Duration.ofSeconds(10));
        routable.add((System.nanoTime() - t0) / 1e6);
        expectOk(replies, "register " + id);
        command(commands, replies, "deregister " + id + " " + port);
      }
      command(commands, replies, "deregister anchor 19999");

      List<Double> evicted = new ArrayList<>();
      for (int i = 0; i < crashTrials; i++) {
        String id = "crash-" + UUID.randomUUID();
        Process child = child("crash", SERVICE, id, String.valueOf(crashTtl));
        BufferedReader out = lines(child);
        String line;
        while ((line = out.readLine()) != null && !line.equals("ready")) {
          // skip anything else
        }
        if (line == null) {
          throw new IllegalStateException("crash node " + id + " exited with " + child.waitFor() + " before ready");
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
      System.out.printf("| %s register -> routable in another process's caching selector | %d | %.1f ms | %.1f ms | %.1f ms | p99 <= %d ms |%n",
          label, trials, pct(routable, 50), pct(routable, 99), pct(routable, 100), label.equals("mDNS") ? 1000 : 100);
      System.out.printf("| %s crash (SIGKILL, TTL %d s) -> evicted from the caching selector | %d | %.0f ms | %.0f ms | %.0f ms | <= %d ms |%n",
          label, crashTtl, crashTrials, pct(evicted, 50), pct(evicted, 99), pct(evicted, 100), crashTtl * 1000 + 1000);
    } finally {
      writer.destroy();
      writer.waitFor();
    }
  }

  /** A {@link DiscoveryNode} JVM on the same registry; its log (warnings only) goes to our stderr. */
  private static Process child(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
    command.addAll(List.of(BenchRegistry.childProperties()));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), DiscoveryNode.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  private static BufferedReader lines(Process process) {
    return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  private static void command(PrintWriter commands, BufferedReader replies, String command) throws IOException {
    commands.println(command);
    expectOk(replies, command);
  }

  private static void expectOk(BufferedReader replies, String command) throws IOException {
    String reply = replies.readLine();
    if (!"ok".equals(reply)) {
      throw new IllegalStateException("writer: '" + command + "' answered " + reply + " (expected: ok)");
    }
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
