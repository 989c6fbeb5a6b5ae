package io.micro.selector;

import io.micro.selector.spi.SelectorProvider;

/** Makes {@link RegistrySelector} selectable as {@code --selector=registry}. */
public final class RegistrySelectorProvider implements SelectorProvider {

  /** Called by {@link java.util.ServiceLoader}. */
  public RegistrySelectorProvider() {}

  /** Returns {@code registry}. */
  @Override
  public String name() {
    return "registry";
  }

  /** A {@link RegistrySelector} over the configured registry, with default settings. */
  @Override
  public Selector create(Config config) {
    return Selector.create(config.registry());
  }
}
