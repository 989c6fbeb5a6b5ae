package io.micro.plugins.broker.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micro.broker.Broker;
import io.micro.broker.Event;
import io.micro.broker.spi.BrokerProvider;
import io.micro.errors.MicroException;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class KafkaBrokerProviderTest {

  @Test
  void providerNamedKafkaIsFoundAndUsesTheAddresses() {
    BrokerProvider provider = ServiceLoader.load(BrokerProvider.class).stream()
        .map(ServiceLoader.Provider::get).filter(p -> p.name().equals("kafka")).findFirst().orElseThrow();
    try (Broker b = provider.create(BrokerProvider.Config.of("127.0.0.1:19092", "127.0.0.2:19092"))) {
      assertThat(b).isInstanceOf(KafkaBroker.class);
      assertThat(b.name()).isEqualTo("kafka");
      assertThat(b.address()).isEqualTo("127.0.0.1:19092,127.0.0.2:19092");
      assertThat(b.durable()).isTrue();
    }
    try (Broker b = provider.create(BrokerProvider.Config.of())) {
      assertThat(b.address()).isEqualTo("127.0.0.1:9092");
    }
  }

  @Test
  void addressWithoutPortIsRefusedNamingIt() {
    assertThatThrownBy(() -> KafkaBroker.builder().addresses("kafka-1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kafka-1");
  }

  @Test
  void topicKafkaCannotNameAndTooLargeBodiesAreRefusedBeforeConnecting() {
    try (KafkaBroker b = KafkaBroker.builder().addresses("127.0.0.1:1").maxMessageSize(10).build()) {
      assertThatThrownBy(() -> b.publish("a/b", Event.of(Map.of(), new byte[1])))
          .isInstanceOfSatisfying(MicroException.class, e -> assertThat(e.code()).isEqualTo(400))
          .hasMessageContaining("a/b");
      assertThatThrownBy(() -> b.publish("ok", Event.of(Map.of(), new byte[11])))
          .isInstanceOfSatisfying(MicroException.class, e -> assertThat(e.code()).isEqualTo(413))
          .hasMessageContaining("11 bytes (expected: <= 10)");
    }
  }

  @Test
  void topicNamesFollowKafkasRule() {
    assertThat(KafkaBroker.legalTopic("go.micro.srv.greeter")).isTrue();
    assertThat(KafkaBroker.legalTopic("a_b-C.9")).isTrue();
    assertThat(KafkaBroker.legalTopic("x".repeat(249))).isTrue();
    assertThat(KafkaBroker.legalTopic("x".repeat(250))).isFalse();
    assertThat(KafkaBroker.legalTopic("")).isFalse();
    assertThat(KafkaBroker.legalTopic(".")).isFalse();
    assertThat(KafkaBroker.legalTopic("..")).isFalse();
    assertThat(KafkaBroker.legalTopic("orders/eu")).isFalse();
    assertThat(KafkaBroker.legalTopic("grüße")).isFalse();
  }

  @Test
  void kafkaClientsLogThroughSlf4j2NotTheNopLogger() {
    // kafka-clients asks for slf4j-api 1.7.36, which would not see an SLF4J 2 binding; the parent
    // pins 2.0.x, so the test binding (slf4j-simple) is the one in use.
    assertThat(LoggerFactory.getILoggerFactory().getClass().getName()).contains("Simple");
    assertThat(LoggerFactory.getLogger(org.apache.kafka.clients.producer.KafkaProducer.class).isWarnEnabled()).isFalse();
    assertThat(LoggerFactory.getLogger(KafkaBroker.class).isInfoEnabled()).isTrue();
  }
}
