package io.micro.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MetadataTest {

  @Test
  void keysAreCanonicalisedAsGoDoes() {
    assertThat(Metadata.canonical("x-user-id")).isEqualTo("X-User-Id");
    assertThat(Metadata.canonical("MICRO-ID")).isEqualTo("Micro-Id");
    assertThat(Metadata.canonical("Micro-Endpoint")).isEqualTo("Micro-Endpoint");
    assertThat(Metadata.canonical("timeout")).isEqualTo("Timeout");
  }

  @Test
  void lookupsIgnoreCase() {
    Metadata md = Metadata.of(Map.of("x-user-id", "42"));
    assertThat(md.get("X-USER-ID")).contains("42");
    assertThat(md.asMap()).containsOnlyKeys("X-User-Id");
    assertThat(md.get("missing")).isEmpty();
  }

  @Test
  void copiesLeaveTheOriginalUnchanged() {
    Metadata a = Metadata.of("A", "1");
    Metadata b = a.with("b", "2").merge(Metadata.of("a", "3"));
    assertThat(a.asMap()).containsExactly(Map.entry("A", "1"));
    assertThat(b.asMap()).containsEntry("A", "3").containsEntry("B", "2");
    assertThat(b.without("A").asMap()).containsOnlyKeys("B");
  }

  @Test
  void currentIsBoundOnlyWhileTheTaskRuns() throws Exception {
    assertThat(Metadata.current().isEmpty()).isTrue();
    String seen = Metadata.callWith(Metadata.of("X-Trace", "t1"),
        () -> Metadata.current().get("x-trace").orElseThrow());
    assertThat(seen).isEqualTo("t1");
    assertThat(Metadata.current().isEmpty()).isTrue();
  }

  @Test
  void oddKeyValueListIsRejectedWithTheCount() {
    assertThatThrownBy(() -> Metadata.of("a", "1", "b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3 strings");
  }

  @Test
  void deadlineIsBoundOnlyWhileTheTaskRuns() throws Exception {
    assertThat(Deadline.remaining()).isEmpty();
    boolean positive = Deadline.callWith(System.nanoTime() + 60_000_000_000L,
        () -> Deadline.remaining().orElseThrow().isNegative() == false);
    assertThat(positive).isTrue();
    assertThat(Deadline.remaining()).isEmpty();
  }
}
