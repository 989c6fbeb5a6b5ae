package io.micro.broker.http;

import io.micro.broker.Broker;
import io.micro.broker.spi.BrokerProvider;

/**
 * Provides the {@code http} broker ({@code --broker=http}, the default): listens on the first
 * {@code --broker_address} (default {@code 127.0.0.1:0}) and finds subscribers in the service's
 * registry.
 */
public final class HttpBrokerProvider implements BrokerProvider {

  /** For {@link java.util.ServiceLoader}. */
  public HttpBrokerProvider() {}

  @Override
  public String name() {
    return "http";
  }

  @Override
  public Broker create(Config config) {
    HttpBroker.Builder b = HttpBroker.builder().maxMessageSize(config.maxMessageSize());
    if (!config.addresses().isEmpty()) {
      b.address(config.addresses().get(0));
    }
    if (config.registry() != null) {
      b.registry(config.registry());
    }
    return b.build();
  }
}
