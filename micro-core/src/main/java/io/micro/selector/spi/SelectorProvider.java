package io.micro.selector.spi;

import io.micro.registry.Registry;
import io.micro.selector.Selector;
import java.util.Objects;

/**
 * Makes a {@link Selector} selectable by name ({@code --selector=NAME}). Providers are found with
 * {@link java.util.ServiceLoader}; they need a public no-argument constructor and must not throw
 * while being discovered.
 */
public interface SelectorProvider {

  /** The name users select this selector by, lower case, e.g. {@code registry}. */
  String name();

  /** Builds a selector; it must not close the registry it was given. */
  Selector create(Config config);

  /**
   * What every selector may use.
   *
   * @param registry where services are looked up; owned by the caller
   */
  record Config(Registry registry) {
    /** Checks the registry is given. */
    public Config {
      Objects.requireNonNull(registry, "registry");
    }
  }
}
