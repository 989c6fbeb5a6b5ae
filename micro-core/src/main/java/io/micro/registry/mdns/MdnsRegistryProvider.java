package io.micro.registry.mdns;

import io.micro.registry.Registry;
import io.micro.registry.spi.RegistryProvider;

/**
 * Makes {@link MdnsRegistry} selectable as {@code --registry=mdns} (the default registry).
 *
 * <p>Settings: {@code --registry_address} (or {@code MICRO_REGISTRY_ADDRESS}) names the <b>network
 * interface</b> mDNS runs on, by name or by one of its addresses, e.g. {@code
 * --registry_address=eth0} or {@code --registry_address=192.168.1.10}; when empty, the loopback
 * interface is used and nothing leaves the machine. Only the first address is used. The lookup
 * timeout, when positive, is how long lookups wait for answers.
 */
public final class MdnsRegistryProvider implements RegistryProvider {

  /** Called by {@link java.util.ServiceLoader}. */
  public MdnsRegistryProvider() {}

  /** Returns {@code mdns}. */
  @Override
  public String name() {
    return "mdns";
  }

  /**
   * A started {@link MdnsRegistry} on the interface named by the first address (loopback if none).
   *
   * @throws IllegalArgumentException when that interface does not exist or cannot be used
   */
  @Override
  public Registry create(Config config) {
    MdnsRegistry.Builder builder = MdnsRegistry.builder();
    if (!config.addresses().isEmpty()) {
      builder.networkInterface(config.addresses().get(0));
    }
    if (config.timeout() != null && !config.timeout().isNegative() && !config.timeout().isZero()) {
      builder.timeout(config.timeout());
    }
    return builder.build();
  }
}
