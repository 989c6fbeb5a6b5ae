package io.micro.selector;

import static org.assertj.core.api.Assertions.assertThat;

import io.micro.registry.Endpoint;
import io.micro.registry.Node;
import io.micro.registry.Service;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FilterTest {
  private static final Node EU = new Node("eu", "h:1", Map.of("dc", "eu"));
  private static final Node US = new Node("us", "h:2", Map.of("dc", "us"));
  private static final Node BARE = Node.of("bare", "h:3");
  private static final Service V1 =
      new Service(
          "greeter",
          "1",
          Map.of(),
          List.of(new Endpoint("Say.Hello", null, null, Map.of())),
          List.of(EU, BARE));
  private static final Service V2 =
      new Service(
          "greeter",
          "2",
          Map.of(),
          List.of(new Endpoint("Say.Goodbye", null, null, Map.of())),
          List.of(US));

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("version 1", Filter.version("1"), List.of(V1)),
        Arguments.of("version 2", Filter.version("2"), List.of(V2)),
        Arguments.of("version 3", Filter.version("3"), List.of()),
        Arguments.of("metadata dc=eu", Filter.metadata("dc", "eu"), List.of(V1.withNodes(List.of(EU)))),
        Arguments.of("metadata dc=us", Filter.metadata("dc", "us"), List.of(V2)),
        Arguments.of("metadata dc=asia", Filter.metadata("dc", "asia"), List.of()),
        Arguments.of("metadata missing key", Filter.metadata("zone", "eu"), List.of()),
        Arguments.of("endpoint Say.Hello", Filter.endpoint("Say.Hello"), List.of(V1)),
        Arguments.of("endpoint Say.Goodbye", Filter.endpoint("Say.Goodbye"), List.of(V2)),
        Arguments.of("endpoint Nope", Filter.endpoint("Nope"), List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void filterKeepsExactlyTheMatchingVersionsAndNodes(
      String name, Filter filter, List<Service> expected) {
    List<Service> input = List.of(V1, V2);
    assertThat(filter.apply(input)).isEqualTo(expected);
    assertThat(input).containsExactly(V1, V2);
  }
}
