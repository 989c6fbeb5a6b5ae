package io.micro.testing;

import io.micro.broker.Broker;
import io.micro.broker.memory.MemoryBroker;

/** The memory broker against the contract; one hub stands for the backend. */
class MemoryBrokerContractTest extends BrokerContract {
  private final MemoryBroker.Hub hub = MemoryBroker.Hub.create();

  @Override
  protected Broker newBroker() {
    return MemoryBroker.builder().hub(hub).build();
  }

  @Override
  protected boolean durable() {
    return true;
  }

  @Override
  protected boolean ordered() {
    return true;
  }
}
