package io.micro.benchmarks;

import io.micro.registry.Node;
import io.micro.registry.Service;
import io.micro.registry.memory.MemoryRegistry;
import io.micro.selector.CacheSelector;
import io.micro.selector.Filter;
import io.micro.selector.SelectOptions;
import io.micro.selector.Strategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Selections per second from the caching selector with 100 nodes (two versions of 50), as a client
 * makes them: {@code select(...)} then one {@code get()}. Run by benchmarks/discovery.sh.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SelectorBench {
  private MemoryRegistry registry;
  private CacheSelector selector;
  private final SelectOptions random = SelectOptions.DEFAULT;
  private final SelectOptions roundRobin = SelectOptions.builder().strategy(Strategy.roundRobin()).build();
  private final SelectOptions filtered =
      SelectOptions.builder().filter(Filter.version("2"), Filter.metadata("zone", "a")).build();

  /** Registers the 100 nodes and warms the cache. */
  @Setup(Level.Trial)
  public void setUp() {
    registry = MemoryRegistry.create();
    for (int v = 1; v <= 2; v++) {
      List<Node> nodes = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        nodes.add(new Node("n" + v + "-" + i, "127.0.0.1:" + (10000 + v * 100 + i),
            Map.of("zone", i % 2 == 0 ? "a" : "b", "protocol", "mucp")));
      }
      registry.register(Service.of("bench", String.valueOf(v)).withNodes(nodes), Duration.ZERO);
    }
    selector = CacheSelector.builder(registry).build();
    selector.select("bench").get();
  }

  /** Closes the selector and the registry. */
  @TearDown(Level.Trial)
  public void tearDown() {
    selector.close();
    registry.close();
  }

  /** Random strategy, no filter. */
  @Benchmark
  public Node selectRandom() {
    return selector.select("bench", random).get();
  }

  /** Round robin, no filter. */
  @Benchmark
  public Node selectRoundRobin() {
    return selector.select("bench", roundRobin).get();
  }

  /** Random after a version filter and a metadata filter (25 nodes remain). */
  @Benchmark
  public Node selectFiltered() {
    return selector.select("bench", filtered).get();
  }
}
