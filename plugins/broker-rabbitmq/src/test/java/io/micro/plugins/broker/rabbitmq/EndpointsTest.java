package io.micro.plugins.broker.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Address;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parsing {@code --broker_address} the way go-micro's rabbitmq broker takes it. */
class EndpointsTest {

  @Test
  void nothingMeansGoMicrosDefaultLocalNode() {
    Endpoints e = Endpoints.parse(List.of());
    assertThat(e.addresses()).containsExactly(new Address("127.0.0.1", 5672));
    assertThat(e.username()).isNull();
    assertThat(e.tls()).isFalse();
  }

  @Test
  void hostPortListsAndIpv6AreParsed() {
    Endpoints e = Endpoints.parse(List.of("10.0.0.1:5673,rabbit", "[::1]:5674"));
    assertThat(e.addresses()).containsExactly(new Address("10.0.0.1", 5673), new Address("rabbit", 5672),
        new Address("::1", 5674));
    assertThat(e.display()).isEqualTo("10.0.0.1:5673,rabbit:5672,[::1]:5674");
  }

  @Test
  void amqpUriGivesCredentialsAndVirtualHostButNeverShowsThePassword() {
    Endpoints e = Endpoints.parse(List.of("amqps://user:p%40ss@mq.example:5671/prod%2Fvh"));
    assertThat(e.addresses()).containsExactly(new Address("mq.example", 5671));
    assertThat(e.tls()).isTrue();
    assertThat(e.username()).isEqualTo("user");
    assertThat(e.password()).isEqualTo("p@ss");
    assertThat(e.virtualHost()).isEqualTo("prod/vh");
    assertThat(e.toString()).doesNotContain("p@ss").doesNotContain("p%40ss");
    assertThat(e.display()).isEqualTo("mq.example:5671");
  }

  @Test
  void badAddressesAreRefusedNamingThem() {
    assertThatThrownBy(() -> Endpoints.parse(List.of("host:99999"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("host:99999");
    assertThatThrownBy(() -> Endpoints.parse(List.of("amqp://"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("amqp://");
    assertThatThrownBy(() -> Endpoints.parse(List.of("[::1"))).isInstanceOf(IllegalArgumentException.class);
  }
}
