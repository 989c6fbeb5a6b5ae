package io.micro.plugins.broker.kafka;

import io.micro.broker.Broker;
import io.micro.broker.spi.BrokerProvider;

/**
 * Provides the {@code kafka} broker: {@code --broker=kafka --broker_address=host:9092[,host:9092]}
 * (default {@code 127.0.0.1:9092}), go-micro's encoding, the configured largest message size.
 */
public final class KafkaBrokerProvider implements BrokerProvider {

  /** For {@link java.util.ServiceLoader}. */
  public KafkaBrokerProvider() {}

  @Override
  public String name() {
    return "kafka";
  }

  @Override
  public Broker create(Config config) {
    return KafkaBroker.builder()
        .addresses(config.addresses())
        .maxMessageSize(config.maxMessageSize())
        .build();
  }
}
