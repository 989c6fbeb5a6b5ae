package io.micro.plugins.broker.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micro.broker.Broker;
import io.micro.broker.spi.BrokerProvider;
import io.micro.cmd.Plugins;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --broker=nats --broker_address=...}. */
class NatsBrokerProviderTest {

  @Test
  void isFoundByNameWithItsJarOnTheClasspath() {
    Plugins plugins = Plugins.load();
    assertThat(plugins.brokers()).contains("nats");
    try (Broker b = plugins.broker("nats", BrokerProvider.Config.of("127.0.0.1:4333"))) {
      assertThat(b).isInstanceOf(NatsBroker.class);
      assertThat(b.name()).isEqualTo("nats");
      assertThat(b.address()).isEqualTo("nats://127.0.0.1:4333");
      assertThat(b.durable()).isFalse();
    }
  }

  @Test
  void defaultsToTheLocalServer() {
    try (Broker b = new NatsBrokerProvider().create(BrokerProvider.Config.of())) {
      assertThat(b.address()).isEqualTo("nats://127.0.0.1:4222");
    }
  }

  @Test
  void jetStreamParameterOnTheAddressSwitchesDurableModeOn() {
    Broker b = new NatsBrokerProvider().create(new BrokerProvider.Config(
        List.of("nats://10.0.0.1:4222?jetstream=true", "10.0.0.2:4222"), null, 1024));
    assertThat(b.durable()).isTrue();
    assertThat(b.address()).isEqualTo("nats://10.0.0.1:4222,nats://10.0.0.2:4222");
    b.close();
    assertThat(new NatsBrokerProvider().create(BrokerProvider.Config.of("h:1?jetstream=false")).durable()).isFalse();
  }

  @Test
  void addressDoesNotShowPasswords() {
    try (Broker b = NatsBroker.builder().addresses("nats://user:secret@127.0.0.1:4222", "h:1").build()) {
      assertThat(b.address()).isEqualTo("nats://***@127.0.0.1:4222,nats://h:1");
    }
  }

  @Test
  void unknownOrBadParametersAreRefusedNamingThem() {
    NatsBrokerProvider p = new NatsBrokerProvider();
    assertThatThrownBy(() -> p.create(BrokerProvider.Config.of("h:1?stream=X")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown parameter stream");
    assertThatThrownBy(() -> p.create(BrokerProvider.Config.of("h:1?jetstream=yes")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jetstream=yes");
  }
}
