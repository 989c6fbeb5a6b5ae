package io.micro.plugins.registry.consul;

import static org.assertj.core.api.Assertions.assertThat;

import io.micro.registry.Node;
import io.micro.registry.Service;
import io.micro.registry.Watcher.Result;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How one Consul answer about a service becomes watch results (the rule of go-micro's cache). */
class ChangesTest {
  private static final Node A = Node.of("greeter-a", "10.0.0.1:9001");
  private static final Node B = Node.of("greeter-b", "10.0.0.2:9001");
  private static final Node C = Node.of("greeter-c", "10.0.0.3:9001");

  private static Service v(String version, Node... nodes) {
    return Service.of("greeter", version).withNodes(List.of(nodes));
  }

  private static Map<String, Service> answer(Service... versions) {
    Map<String, Service> m = new LinkedHashMap<>();
    for (Service s : versions) {
      m.put(s.version(), s);
    }
    return m;
  }

  @Test
  void removingOneOfTwoNodesIsOnlyADeleteCarryingThatNode() {
    assertThat(Changes.between(answer(v("1", A, B)), answer(v("1", B))))
        .containsExactly(new Result("delete", v("1", A)));
  }

  @Test
  void removingTheLastNodeIsADeleteCarryingIt() {
    assertThat(Changes.between(answer(v("1", A)), answer()))
        .containsExactly(new Result("delete", v("1", A)));
  }

  @Test
  void addingANodeIsAnUpdateWithTheVersionAsItNowIs() {
    assertThat(Changes.between(answer(v("1", A)), answer(v("1", A, B))))
        .containsExactly(new Result("update", v("1", A, B)));
  }

  @Test
  void aNodeReplacedWithinOneAnswerIsAnUpdateThenADeleteOfTheOldOne() {
    assertThat(Changes.between(answer(v("1", A, B)), answer(v("1", B, C))))
        .containsExactly(new Result("update", v("1", B, C)), new Result("delete", v("1", A)));
  }

  @Test
  void aNodeThatMovedIsAnUpdateNotADelete() {
    Node moved = Node.of(A.id(), "10.0.0.9:9001");
    assertThat(Changes.between(answer(v("1", A, B)), answer(v("1", moved, B))))
        .containsExactly(new Result("update", v("1", moved, B)));
  }

  @Test
  void changedServiceMetadataIsAnUpdate() {
    Service tagged = new Service("greeter", "1", Map.of("team", "x"), List.of(), List.of(A));
    assertThat(Changes.between(answer(v("1", A)), answer(tagged)))
        .containsExactly(new Result("update", tagged));
  }

  @Test
  void anUpgradeCreatesTheNewVersionBeforeDeletingTheOld() {
    assertThat(Changes.between(answer(v("1", A)), answer(v("2", B))))
        .containsExactly(new Result("create", v("2", B)), new Result("delete", v("1", A)));
  }

  @Test
  void theSameNodesInAnotherOrderAreNoChange() {
    assertThat(Changes.between(answer(v("1", A, B)), answer(v("1", B, A)))).isEmpty();
  }
}
