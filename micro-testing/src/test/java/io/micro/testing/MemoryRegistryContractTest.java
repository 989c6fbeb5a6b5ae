package io.micro.testing;

import io.micro.registry.Registry;
import io.micro.registry.memory.MemoryRegistry;
import java.time.Duration;

/** The memory registry against the contract; one shared instance stands for the backend. */
class MemoryRegistryContractTest extends RegistryContract {
  private final MemoryRegistry backend = MemoryRegistry.builder().pruneInterval(Duration.ofMillis(100)).build();

  @Override
  protected Registry newRegistry() {
    return new SharedRegistry(backend);
  }

  @Override
  protected Duration shortTtl() {
    return Duration.ofMillis(600);
  }
}
