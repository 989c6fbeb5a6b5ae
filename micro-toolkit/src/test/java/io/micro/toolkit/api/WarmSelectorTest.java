package io.micro.toolkit.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.micro.registry.Node;
import io.micro.registry.Service;
import io.micro.registry.memory.MemoryRegistry;
import io.micro.selector.SelectOptions;
import io.micro.selector.Selector;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WarmSelectorTest {

  @Test
  void remembersASelectionForAWhileAndForgetsItOnFailure() {
    MemoryRegistry registry = MemoryRegistry.create();
    registry.register(Service.of("go.micro.api.greeter", "1").withNodes(List.of(Node.of("a", "127.0.0.1:1"))), Duration.ZERO);
    AtomicLong now = new AtomicLong();
    try (Selector below = Selector.create(registry);
        WarmSelector warm = new WarmSelector(below, Duration.ofSeconds(5), now::get)) {
      assertThat(warm.isWarm("go.micro.api.greeter")).isFalse();
      var first = warm.select("go.micro.api.greeter", SelectOptions.DEFAULT);
      assertThat(warm.isWarm("go.micro.api.greeter")).isTrue();
      assertThat(warm.select("go.micro.api.greeter", SelectOptions.DEFAULT)).isSameAs(first);

      now.addAndGet(Duration.ofMillis(4500).toNanos());
      assertThat(warm.isWarm("go.micro.api.greeter")).as("within the safety margin").isFalse();
      now.addAndGet(Duration.ofSeconds(1).toNanos());
      assertThat(warm.select("go.micro.api.greeter", SelectOptions.DEFAULT)).isNotSameAs(first);

      Node node = first.get();
      warm.mark("go.micro.api.greeter", node, new RuntimeException("refused"));
      assertThat(warm.isWarm("go.micro.api.greeter")).isFalse();
    }
  }
}
