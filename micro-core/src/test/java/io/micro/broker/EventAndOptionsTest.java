package io.micro.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventAndOptionsTest {

  @Test
  void headersAreFoundInAnyCaseAndAccessorsReadGoMicrosNames() {
    Event e = Event.of(Map.of("Micro-ID", "1", "micro-topic", "t", "Content-Type", "application/json"), new byte[0]);
    assertThat(e.id()).isEqualTo("1");
    assertThat(e.topic()).isEqualTo("t");
    assertThat(e.contentType()).isEqualTo("application/json");
    assertThat(e.header("MICRO-ID")).isEqualTo("1");
    assertThat(e.header("missing")).isNull();
    assertThat(Event.of(Map.of(), new byte[0]).id()).isEmpty();
  }

  @Test
  void eventsAreValuesOverTheirBytesAndCopyTheirHeaders() {
    Map<String, String> h = new HashMap<>(Map.of("a", "1"));
    Event e = Event.of(h, new byte[] {1, 2});
    h.put("b", "2");
    assertThat(e.headers()).containsOnlyKeys("a");
    assertThat(e).isEqualTo(Event.of(Map.of("a", "1"), new byte[] {1, 2})).hasSameHashCodeAs(
        Event.of(Map.of("a", "1"), new byte[] {1, 2}));
    assertThat(e.withHeader("a", "x").header("a")).isEqualTo("x");
    h.put("null", null);
    assertThatThrownBy(() -> Event.of(h, new byte[0])).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("header null");
  }

  @Test
  void subscribeOptionsDefaultsAndChecks() {
    SubscribeOptions d = SubscribeOptions.DEFAULT;
    assertThat(d.hasQueue()).isFalse();
    assertThat(d.autoAck()).isTrue();
    assertThat(d.maxRedeliveries()).isEqualTo(5);
    assertThat(d.deadLetterTopic()).isNull();
    SubscribeOptions q = d.toBuilder().queue(" workers ").autoAck(false).build();
    assertThat(q.queue()).isEqualTo("workers");
    assertThat(q.autoAck()).isFalse();
    assertThatThrownBy(() -> SubscribeOptions.builder().maxRedeliveries(-1).build())
        .hasMessage("maxRedeliveries: -1 (expected: >= 0)");
    assertThatThrownBy(() -> SubscribeOptions.builder().deadLetterTopic(" ").build())
        .hasMessageContaining("deadLetterTopic");
  }
}
