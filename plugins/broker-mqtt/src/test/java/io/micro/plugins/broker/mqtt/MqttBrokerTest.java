package io.micro.plugins.broker.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micro.broker.Broker;
import io.micro.broker.Event;
import io.micro.broker.spi.BrokerProvider;
import io.micro.errors.MicroException;
import io.micro.testing.ExternalServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** What needs no server: selection by name, addresses, refusals before connecting. */
class MqttBrokerTest {

  @Test
  void providerNamedMqttIsFoundByServiceLoaderAndUsesTheAddresses() {
    BrokerProvider p = ServiceLoader.load(BrokerProvider.class).stream().map(ServiceLoader.Provider::get)
        .filter(x -> x.name().equals("mqtt")).findFirst().orElseThrow();
    try (Broker b = p.create(new BrokerProvider.Config(List.of("10.0.0.1:1884", "ssl://mq:8883"), null, 1024))) {
      assertThat(b.name()).isEqualTo("mqtt");
      assertThat(b.address()).isEqualTo("tcp://10.0.0.1:1884,ssl://mq:8883");
      assertThat(b.durable()).isFalse();
    }
  }

  @Test
  void addressesDefaultToGoMicrosPortAndScheme() {
    assertThat(MqttBroker.builder().build().address()).isEqualTo("tcp://127.0.0.1:1883");
    assertThat(MqttBroker.uri("mq.local")).isEqualTo("tcp://mq.local:1883");
    assertThat(MqttBroker.uri("[::1]:1999")).isEqualTo("tcp://[::1]:1999");
    assertThat(MqttBroker.uri("[::1]")).isEqualTo("tcp://[::1]:1883");
    assertThatThrownBy(() -> MqttBroker.builder().addresses(" ")).hasMessageContaining("address ''");
  }

  @Test
  void unreachableServerFailsConnectNamingTheBrokerAndTheAddress() {
    int port = ExternalServer.findFreePort();
    try (MqttBroker b = MqttBroker.builder().addresses("127.0.0.1:" + port)
        .connectTimeout(Duration.ofSeconds(2)).build()) {
      assertThatThrownBy(b::connect)
          .isInstanceOf(MicroException.class)
          .hasMessageContaining("broker mqtt: cannot connect to tcp://127.0.0.1:" + port)
          .satisfies(e -> assertThat(((MicroException) e).code()).isEqualTo(503));
    }
  }

  @Test
  void oversizedEventsAndBadTopicsAreRefusedBeforeConnecting() {
    try (MqttBroker b = MqttBroker.builder().addresses("127.0.0.1:1").maxMessageSize(10).build()) {
      assertThatThrownBy(() -> b.publish("t", Event.of(Map.of(), new byte[11])))
          .isInstanceOf(MicroException.class).hasMessageContaining("11 bytes (expected: <= 10)");
      assertThatThrownBy(() -> b.subscribe("a/+", d -> { })).hasMessageContaining("'+'");
      assertThat(b.publishAsync("#", Event.of(Map.of(), new byte[0]))).isCompletedExceptionally();
    }
  }

  @Test
  void closedBrokerRefusesToWork() {
    MqttBroker b = MqttBroker.builder().build();
    b.close();
    assertThatThrownBy(b::connect).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    assertThatThrownBy(() -> b.publish("t", Event.of(Map.of(), new byte[0]))).isInstanceOf(IllegalStateException.class);
  }
}
