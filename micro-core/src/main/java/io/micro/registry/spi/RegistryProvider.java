package io.micro.registry.spi;

import io.micro.registry.Registry;
import java.time.Duration;
import java.util.List;

/**
 * Makes a {@link Registry} selectable by name ({@code --registry=NAME}). Providers are found with
 * {@link java.util.ServiceLoader}; they need a public no-argument constructor and must not throw
 * while being discovered.
 */
public interface RegistryProvider {

  /** The name users select this registry by, lower case, e.g. {@code mdns}. */
  String name();

  /** Builds a registry from the generic settings. */
  Registry create(Config config);

  /**
   * The settings every registry understands.
   *
   * @param addresses {@code host:port} of the backend (empty: the registry's default)
   * @param timeout how long one lookup may take; {@link Duration#ZERO} means the registry's own default
   */
  record Config(List<String> addresses, Duration timeout) {
    /** Copies the address list. */
    public Config {
      addresses = List.copyOf(addresses);
    }
  }
}
