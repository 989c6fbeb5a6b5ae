package io.micro.selector;

import static org.assertj.core.api.Assertions.assertThat;

import io.micro.registry.Node;
import io.micro.registry.Service;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MergeTest {

  private static Service v(String version, String... nodeIds) {
    return Service.of("s", version).withNodes(Arrays.stream(nodeIds).map(id -> Node.of(id, "127.0.0.1:1")).toList());
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("create into empty", List.of(), "create", v("1", "a"), List.of(v("1", "a"))),
        Arguments.of("create adds a node", List.of(v("1", "a")), "create", v("1", "b"), List.of(v("1", "a", "b"))),
        Arguments.of("update keeps nodes it does not list", List.of(v("1", "a", "b")), "update", v("1", "b"),
            List.of(v("1", "a", "b"))),
        Arguments.of("new version is added", List.of(v("1", "a")), "update", v("2", "c"),
            List.of(v("1", "a"), v("2", "c"))),
        Arguments.of("delete removes only its nodes", List.of(v("1", "a", "b")), "delete", v("1", "a"),
            List.of(v("1", "b"))),
        Arguments.of("delete of the last node drops the version", List.of(v("1", "a"), v("2", "c")), "delete",
            v("1", "a"), List.of(v("2", "c"))),
        Arguments.of("delete of an unknown version changes nothing", List.of(v("1", "a")), "delete", v("9", "a"),
            List.of(v("1", "a"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void watchResultsMergeAsGoMicrosCacheDoes(
      String what, List<Service> before, String action, Service change, List<Service> after) {
    assertThat(Merge.apply(before, action, change)).isEqualTo(after);
  }
}
