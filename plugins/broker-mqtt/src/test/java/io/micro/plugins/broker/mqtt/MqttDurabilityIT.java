package io.micro.plugins.broker.mqtt;

import static io.micro.plugins.broker.mqtt.MqttBrokerIT.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.micro.broker.Delivery;
import io.micro.broker.Event;
import io.micro.broker.SubscribeOptions;
import io.micro.testing.ExternalServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Persistent sessions against a Mosquitto that keeps its state on disk: what MQTT itself
 * redelivers (an unacknowledged QoS 1 message, after the subscriber's connection comes back).
 */
class MqttDurabilityIT {
  private static ExternalServer mosquitto;

  @BeforeAll
  static void startMosquitto() {
    mosquitto = Mosquitto.start(true);
  }

  @AfterAll
  static void stopMosquitto() {
    if (mosquitto != null) {
      mosquitto.close();
    }
  }

  @Test
  void unacknowledgedEventOfAPersistentSessionComesBackAfterTheServerRestarted() {
    List<Delivery> got = new CopyOnWriteArrayList<>();
    try (MqttBroker sub = MqttBroker.builder().addresses(mosquitto.address()).clientId("durable-sub")
            .maxReconnectDelay(Duration.ofMillis(500)).build();
        MqttBroker pub = MqttBroker.builder().addresses(mosquitto.address()).build()) {
      assertThat(sub.durable()).isTrue();
      sub.subscribe("durable.orders", d -> {
        got.add(d);
        if (d.attempt() > 1) {
          d.ack();
        } // the first delivery is left unacknowledged, as by a subscriber that died while handling it
      }, SubscribeOptions.builder().autoAck(false).build());
      pub.publish("durable.orders", Event.of(Map.of(Event.ID, "order-1"), new byte[] {42}));
      eventually(() -> got.size() == 1);

      mosquitto.restart(); // Mosquitto saves the session, with the message in flight, on the way down

      eventually(() -> got.size() >= 2);
      Delivery again = got.get(1);
      assertThat(again.event().id()).isEqualTo("order-1");
      assertThat(again.event().body()).containsExactly(42);
      assertThat(again.attempt()).isGreaterThanOrEqualTo(2);
    }
  }
}
