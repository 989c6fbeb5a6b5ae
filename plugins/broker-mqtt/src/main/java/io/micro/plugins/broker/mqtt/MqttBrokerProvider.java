package io.micro.plugins.broker.mqtt;

import io.micro.broker.Broker;
import io.micro.broker.spi.BrokerProvider;

/**
 * Provides the {@code mqtt} broker: {@code --broker=mqtt --broker_address=host:port[,host:port]}
 * (default {@code 127.0.0.1:1883}, go-micro's default too). Events are limited to the configured
 * maximum message size; everything else takes {@link MqttBroker.Builder}'s defaults (clean sessions
 * with a random client id).
 */
public final class MqttBrokerProvider implements BrokerProvider {

  /** For {@link java.util.ServiceLoader}. */
  public MqttBrokerProvider() {}

  @Override
  public String name() {
    return "mqtt";
  }

  @Override
  public Broker create(Config config) {
    return MqttBroker.builder()
        .addresses(config.addresses())
        .maxMessageSize(config.maxMessageSize())
        .build();
  }
}
