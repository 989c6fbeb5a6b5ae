package io.micro.plugins.broker.nats;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Names of the streams and consumers JetStream mode creates. */
class NatsNamesTest {

  @Test
  void safeNamesStayAsTheyAre() {
    assertThat(NatsNames.stream("orders")).isEqualTo("MICRO_orders");
    assertThat(NatsNames.durable("billing", "orders")).isEqualTo("billing-orders");
  }

  @Test
  void forbiddenCharactersAreReplacedAndTheOriginalHashedSoNamesStayApart() {
    String dotted = NatsNames.stream("go.micro.srv.greeter");
    assertThat(dotted).startsWith("MICRO_go_micro_srv_greeter_").matches("[A-Za-z0-9_-]+");
    assertThat(dotted).isNotEqualTo(NatsNames.stream("go_micro_srv_greeter"));
    assertThat(NatsNames.safe("a b/c\\d*e>f")).matches("a_b_c_d_e_f_[0-9a-f]{8}");
  }

  @Test
  void longNamesAreCutAndHashed() {
    String name = NatsNames.safe("x".repeat(300));
    assertThat(name).hasSize(64 + 1 + 8);
    assertThat(name).isNotEqualTo(NatsNames.safe("x".repeat(301)));
  }
}
