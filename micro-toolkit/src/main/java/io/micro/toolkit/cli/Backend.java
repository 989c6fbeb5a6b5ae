package io.micro.toolkit.cli;

import io.micro.registry.Service;
import io.micro.toolkit.Toolkit;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the commands need from micro: the registry, calls and publishing. {@link #of(Toolkit)}
 * gives the toolkit's own registry and client, or, with {@code --proxy_address}, a sidecar
 * reached over HTTP ({@link ProxyBackend}).
 */
interface Backend {

  /** Every registered service, each name once, sorted. */
  List<String> listServices();

  /** Every version of {@code name} with its nodes and endpoints; empty when unknown. */
  List<Service> getService(String name);

  /** Registers {@code service}; {@link Duration#ZERO} means no expiry. */
  void register(Service service, Duration ttl);

  /** Deregisters the nodes of {@code service}. */
  void deregister(Service service);

  /**
   * Calls {@code endpoint} of {@code service} with a JSON request and returns the JSON response
   * as received.
   *
   * @param address a {@code host:port} to call instead of discovering nodes, or null
   * @throws io.micro.errors.MicroException the error of the call
   */
  byte[] call(String service, String endpoint, byte[] request, Map<String, String> metadata,
      @Nullable String address);

  /** Publishes a JSON message on {@code topic}. */
  void publish(String topic, byte[] message, Map<String, String> metadata);

  /** The backend the toolkit's flags choose. */
  static Backend of(Toolkit toolkit) {
    return toolkit.proxyAddress().<Backend>map(ProxyBackend::new)
        .orElseGet(() -> new DirectBackend(toolkit));
  }
}
