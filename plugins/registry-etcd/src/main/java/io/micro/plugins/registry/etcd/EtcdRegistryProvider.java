package io.micro.plugins.registry.etcd;

import io.micro.registry.Registry;
import io.micro.registry.spi.RegistryProvider;
import java.util.Map;

/**
 * Makes {@link EtcdRegistry} selectable as {@code --registry=etcd} (or {@code MICRO_REGISTRY=etcd})
 * when this jar is on the class path.
 *
 * <p>Settings: {@code --registry_address=host:port[,host:port]} (default {@code 127.0.0.1:2379});
 * a positive lookup timeout becomes both the dial and the request timeout; as go-micro's plugin
 * does, the environment variables {@code ETCD_USERNAME} and {@code ETCD_PASSWORD}, when both are
 * set, enable authentication. TLS and another key prefix need {@link EtcdRegistry#builder()}.
 */
public final class EtcdRegistryProvider implements RegistryProvider {
  private final Map<String, String> environment;

  /** Called by {@link java.util.ServiceLoader}; reads the process environment. */
  public EtcdRegistryProvider() {
    this(System.getenv());
  }

  EtcdRegistryProvider(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  /** Returns {@code etcd}. */
  @Override
  public String name() {
    return "etcd";
  }

  /**
   * A connected {@link EtcdRegistry}.
   *
   * @throws io.micro.errors.MicroException when etcd cannot be reached (the message names the
   *     addresses)
   * @throws IllegalArgumentException when an address is not {@code host[:port]}
   */
  @Override
  public Registry create(Config config) {
    EtcdRegistry.Builder builder = EtcdRegistry.builder().addresses(config.addresses());
    if (config.timeout() != null && !config.timeout().isNegative() && !config.timeout().isZero()) {
      builder.dialTimeout(config.timeout()).requestTimeout(config.timeout());
    }
    String user = environment.getOrDefault("ETCD_USERNAME", "");
    String pass = environment.getOrDefault("ETCD_PASSWORD", "");
    if (!user.isEmpty() && !pass.isEmpty()) {
      builder.auth(user, pass);
    }
    return builder.build();
  }
}
