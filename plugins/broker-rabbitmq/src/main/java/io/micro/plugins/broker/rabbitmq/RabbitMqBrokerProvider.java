package io.micro.plugins.broker.rabbitmq;

import io.micro.broker.Broker;
import io.micro.broker.spi.BrokerProvider;

/**
 * Provides the {@code rabbitmq} broker ({@code --broker=rabbitmq
 * --broker_address=amqp://user:pass@host:5672/}): go-micro's defaults plus the addresses and the
 * size limit of the configuration; the registry is not used.
 */
public final class RabbitMqBrokerProvider implements BrokerProvider {

  /** For {@link java.util.ServiceLoader}. */
  public RabbitMqBrokerProvider() {}

  /** Returns {@code rabbitmq}. */
  @Override
  public String name() {
    return "rabbitmq";
  }

  /** A {@link RabbitMqBroker}, not connected; an address it cannot parse is refused by name. */
  @Override
  public Broker create(Config config) {
    return RabbitMqBroker.builder().addresses(config.addresses()).maxMessageSize(config.maxMessageSize()).build();
  }
}
