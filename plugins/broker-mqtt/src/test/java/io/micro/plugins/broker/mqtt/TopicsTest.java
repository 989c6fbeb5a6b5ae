package io.micro.plugins.broker.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micro.errors.MicroException;
import org.junit.jupiter.api.Test;

class TopicsTest {

  @Test
  void goMicroTopicsAreMqttTopicNamesUnchanged() {
    assertThat(Topics.checkTopic("go.micro.srv.greeter")).isEqualTo("go.micro.srv.greeter");
    assertThat(Topics.checkTopic("sensors/kitchen/temp")).isEqualTo("sensors/kitchen/temp");
    assertThat(Topics.checkTopic("with space and ümlaut")).isEqualTo("with space and ümlaut");
  }

  @Test
  void wildcardsDollarAndEmptyTopicsAreRefusedNamingTheTopic() {
    assertThatThrownBy(() -> Topics.checkTopic("a.+.b")).isInstanceOf(MicroException.class)
        .hasMessageContaining("topic 'a.+.b'").hasMessageContaining("'+'")
        .satisfies(e -> assertThat(((MicroException) e).code()).isEqualTo(400));
    assertThatThrownBy(() -> Topics.checkTopic("a/#")).hasMessageContaining("'#'");
    assertThatThrownBy(() -> Topics.checkTopic("$SYS/broker")).hasMessageContaining("starts with '$'");
    assertThatThrownBy(() -> Topics.checkTopic("")).hasMessageContaining("topic ''");
    assertThatThrownBy(() -> Topics.checkTopic("a\u0000b")).hasMessageContaining("NUL");
    assertThatThrownBy(() -> Topics.checkTopic("x".repeat(65_536))).hasMessageContaining("65536 bytes");
  }

  @Test
  void queueGroupsBecomeSharedSubscriptionsAndMayNotContainSlashOrWildcards() {
    assertThat(Topics.filter("orders", "")).isEqualTo("orders");
    assertThat(Topics.filter("orders", "billing")).isEqualTo("$share/billing/orders");
    assertThat(Topics.redeliveryTopic("micro-redelivery", "billing", "orders"))
        .isEqualTo("micro-redelivery/billing/orders");
    assertThat(Topics.checkQueue("billing.v2")).isEqualTo("billing.v2");
    assertThatThrownBy(() -> Topics.checkQueue("a/b")).hasMessageContaining("queue group 'a/b'");
    assertThatThrownBy(() -> Topics.checkQueue("a+")).hasMessageContaining("'+'");
  }
}
