package io.micro.plugins.registry.zookeeper;

import io.micro.registry.Registry;
import io.micro.registry.spi.RegistryProvider;

/**
 * Makes {@link ZookeeperRegistry} selectable as {@code --registry=zookeeper}. {@code
 * --registry_address=host:port,host:port} names the ensemble (default {@code 127.0.0.1:2181}); a
 * positive lookup timeout becomes the connection timeout.
 */
public final class ZookeeperRegistryProvider implements RegistryProvider {

  /** Called by {@link java.util.ServiceLoader}. */
  public ZookeeperRegistryProvider() {}

  /** Returns {@code zookeeper}. */
  @Override
  public String name() {
    return "zookeeper";
  }

  /**
   * A connected {@link ZookeeperRegistry}.
   *
   * @throws io.micro.errors.MicroException naming the ensemble when it cannot be reached
   */
  @Override
  public Registry create(Config config) {
    ZookeeperRegistry.Builder builder = ZookeeperRegistry.builder();
    if (config.addresses().stream().anyMatch(a -> !a.isBlank())) {
      builder.addresses(config.addresses());
    }
    if (config.timeout() != null && !config.timeout().isNegative() && !config.timeout().isZero()) {
      builder.connectionTimeout(config.timeout());
    }
    return builder.build();
  }
}
