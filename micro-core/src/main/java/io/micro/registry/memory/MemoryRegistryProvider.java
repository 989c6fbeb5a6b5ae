package io.micro.registry.memory;

import io.micro.registry.Registry;
import io.micro.registry.spi.RegistryProvider;

/**
 * Makes {@link MemoryRegistry} selectable as {@code --registry=memory}. The registry lives in the
 * JVM that creates it, so only services of the same process see each other; the addresses and
 * timeout of the configuration are ignored.
 */
public final class MemoryRegistryProvider implements RegistryProvider {

  /** Called by {@link java.util.ServiceLoader}. */
  public MemoryRegistryProvider() {}

  /** Returns {@code memory}. */
  @Override
  public String name() {
    return "memory";
  }

  /** A new, empty {@link MemoryRegistry}. */
  @Override
  public Registry create(Config config) {
    return MemoryRegistry.create();
  }
}
