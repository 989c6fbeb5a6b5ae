package io.micro.plugins.broker.redis;

import io.micro.broker.Broker;
import io.micro.broker.spi.BrokerProvider;

/**
 * Makes {@link RedisBroker} selectable as {@code --broker=redis} (or {@code MICRO_BROKER=redis})
 * when this jar is on the class path: {@code --broker_address} is one {@code host[:port]} or
 * {@code redis://[user:password@]host[:port][/db]} ({@code rediss://} for TLS), default
 * {@code 127.0.0.1:6379}; the maximum message size is the service's. Everything else (stream
 * prefix, MAXLEN, claim idle time) keeps its default; set it with {@link RedisBroker#builder()}.
 */
public final class RedisBrokerProvider implements BrokerProvider {

  /** For {@link java.util.ServiceLoader}. */
  public RedisBrokerProvider() {}

  /** Returns {@code redis}. */
  @Override
  public String name() {
    return "redis";
  }

  /**
   * A {@link RedisBroker}, not connected.
   *
   * @throws IllegalArgumentException when an address is malformed or more than one is given
   */
  @Override
  public Broker create(Config config) {
    return RedisBroker.builder()
        .addresses(config.addresses())
        .maxMessageSize(config.maxMessageSize())
        .build();
  }
}
