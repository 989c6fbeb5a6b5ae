package io.micro.broker.memory;

import io.micro.broker.Broker;
import io.micro.broker.spi.BrokerProvider;

/** Provides the {@code memory} broker ({@code --broker=memory}): one hub per created broker. */
public final class MemoryBrokerProvider implements BrokerProvider {

  /** For {@link java.util.ServiceLoader}. */
  public MemoryBrokerProvider() {}

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public Broker create(Config config) {
    return MemoryBroker.builder().maxMessageSize(config.maxMessageSize()).build();
  }
}
