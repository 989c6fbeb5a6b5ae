package io.micro.transport.spi;

import io.micro.transport.Transport;
import java.util.List;

/**
 * Makes a {@link Transport} selectable by name ({@code --transport=NAME}). Providers are found with
 * {@link java.util.ServiceLoader} from {@code META-INF/services/io.micro.transport.spi.TransportProvider};
 * they need a public no-argument constructor and must not throw while being discovered.
 */
public interface TransportProvider {

  /** The name users select this transport by, lower case, e.g. {@code http}. */
  String name();

  /** Builds a transport from the generic settings; the caller closes it. */
  Transport create(Config config);

  /**
   * The settings every transport understands.
   *
   * @param addresses {@code host:port} of a backend the transport needs (empty for none, e.g. http)
   * @param maxMessageSize the largest message body accepted, in bytes
   */
  record Config(List<String> addresses, int maxMessageSize) {
    /** No addresses, 4 MiB messages. */
    public static final Config DEFAULT = new Config(List.of(), 4 * 1024 * 1024);

    /** Copies the address list and checks the size. */
    public Config {
      addresses = List.copyOf(addresses);
      if (maxMessageSize < 1) {
        throw new IllegalArgumentException("maxMessageSize: " + maxMessageSize + " (expected: >= 1)");
      }
    }
  }
}
