package io.micro.transport.memory;

import io.micro.transport.Transport;
import io.micro.transport.spi.TransportProvider;

/** Provides {@link MemoryTransport} under the name {@code memory}. */
public final class MemoryTransportProvider implements TransportProvider {

  /** For {@link java.util.ServiceLoader}. */
  public MemoryTransportProvider() {}

  /** {@code memory}. */
  @Override
  public String name() {
    return "memory";
  }

  /** A new memory transport with the configured message size limit; addresses are ignored. */
  @Override
  public Transport create(Config config) {
    return MemoryTransport.create(config.maxMessageSize());
  }
}
