package io.micro.selector;

import io.micro.selector.spi.SelectorProvider;

/** Makes {@link CacheSelector} selectable as {@code --selector=cache} (the default of a Service). */
public final class CacheSelectorProvider implements SelectorProvider {

  /** Called by {@link java.util.ServiceLoader}. */
  public CacheSelectorProvider() {}

  /** Returns {@code cache}. */
  @Override
  public String name() {
    return "cache";
  }

  /** A {@link CacheSelector} over the configured registry, with default settings. */
  @Override
  public Selector create(Config config) {
    return CacheSelector.builder(config.registry()).build();
  }
}
