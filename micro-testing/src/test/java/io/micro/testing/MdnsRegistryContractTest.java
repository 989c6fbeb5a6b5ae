package io.micro.testing;

import io.micro.registry.Registry;
import io.micro.registry.mdns.MdnsRegistry;
import java.time.Duration;

/**
 * The mDNS registry against the contract: every {@link #newRegistry()} is a registry of its own on
 * loopback, as another process would be. There is no backend to restart.
 */
class MdnsRegistryContractTest extends RegistryContract {

  @Override
  protected Registry newRegistry() {
    return MdnsRegistry.builder().build();
  }

  @Override
  protected Duration shortTtl() {
    return Duration.ofSeconds(2);
  }

  @Override
  protected Duration settle() {
    return Duration.ofSeconds(3);
  }
}
