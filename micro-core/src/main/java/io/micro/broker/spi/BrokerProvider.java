package io.micro.broker.spi;

import io.micro.broker.Broker;
import io.micro.registry.Registry;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Makes a {@link Broker} selectable by name ({@code --broker=NAME --broker_address=host:port}).
 * Providers are found with {@link java.util.ServiceLoader} from
 * {@code META-INF/services/io.micro.broker.spi.BrokerProvider}; they need a public no-argument
 * constructor and must not throw while being discovered.
 */
public interface BrokerProvider {

  /** The name users select this broker by, lower case, e.g. {@code http}, {@code nats}. */
  String name();

  /**
   * Builds a broker from the generic settings, not yet connected (the caller calls
   * {@link Broker#connect()} and closes it). Must not contact the backend.
   *
   * @throws IllegalArgumentException naming the setting that this broker cannot use
   */
  Broker create(Config config);

  /**
   * The settings every broker understands.
   *
   * @param addresses {@code --broker_address}: the backend's {@code host:port} list (empty: the
   *     broker's default, e.g. {@code 127.0.0.1:4222} for NATS); the HTTP broker's listen address
   * @param registry the service's registry, which the HTTP broker finds subscribers in (others may
   *     ignore it); null when there is none
   * @param maxMessageSize the largest event body accepted, in bytes
   */
  record Config(List<String> addresses, @Nullable Registry registry, int maxMessageSize) {
    /** Copies the addresses and checks the size. */
    public Config {
      addresses = List.copyOf(Objects.requireNonNull(addresses, "addresses"));
      if (maxMessageSize < 1) {
        throw new IllegalArgumentException("maxMessageSize: " + maxMessageSize + " (expected: >= 1)");
      }
    }

    /** The given addresses, no registry, 4 MiB bodies. */
    public static Config of(String... addresses) {
      return new Config(List.of(addresses), null, 4 * 1024 * 1024);
    }
  }
}
