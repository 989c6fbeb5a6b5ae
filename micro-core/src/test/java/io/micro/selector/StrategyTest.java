package io.micro.selector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micro.errors.MicroException;
import io.micro.registry.Node;
import io.micro.registry.Service;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StrategyTest {

  static Stream<Arguments> strategies() {
    return Stream.of(
        Arguments.of("random", Strategy.random()),
        Arguments.of("roundRobin", Strategy.roundRobin()));
  }

  private static List<Service> threeNodesInTwoVersions() {
    return List.of(
        Service.of("greeter", "1").withNodes(List.of(Node.of("a", "h:1"), Node.of("b", "h:2"))),
        Service.of("greeter", "2").withNodes(List.of(Node.of("c", "h:3"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("strategies")
  void everyStrategyOnlyReturnsNodesOfTheServicesAndReachesAllOfThem(String name, Strategy s) {
    Next next = s.pick(threeNodesInTwoVersions());
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 300; i++) {
      seen.add(next.get().id());
    }
    assertThat(seen).containsExactlyInAnyOrder("a", "b", "c");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("strategies")
  void everyStrategyOverNoNodeThrowsNoneAvailable(String name, Strategy s) {
    Next next = s.pick(List.of(Service.of("greeter", "1")));
    assertThatThrownBy(next::get)
        .isInstanceOfSatisfying(
            MicroException.class,
            e -> {
              assertThat(e.code()).isEqualTo(500);
              assertThat(e.id()).isEqualTo("go.micro.client");
              assertThat(e.detail()).isEqualTo("error selecting greeter node: none available");
            });
  }

  @RepeatedTest(10)
  void roundRobinTakesEveryNodeInTurnFromWhereverItStarts() {
    Next next = Strategy.roundRobin().pick(threeNodesInTwoVersions());
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      ids.add(next.get().id());
    }
    assertThat(ids.subList(0, 3)).containsExactlyInAnyOrder("a", "b", "c");
    assertThat(ids.subList(3, 6)).isEqualTo(ids.subList(0, 3));
    String order = String.join("", ids.subList(0, 3));
    assertThat(order).isIn("abc", "bca", "cab");
  }

  @Test
  void roundRobinStartsAtDifferentNodes() {
    Set<String> firsts = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      firsts.add(Strategy.roundRobin().pick(threeNodesInTwoVersions()).get().id());
    }
    assertThat(firsts).hasSizeGreaterThan(1);
  }
}
