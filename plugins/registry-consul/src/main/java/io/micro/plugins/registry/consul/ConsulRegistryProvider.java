package io.micro.plugins.registry.consul;

import io.micro.registry.Registry;
import io.micro.registry.spi.RegistryProvider;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Makes {@link ConsulRegistry} selectable as {@code --registry=consul}.
 *
 * <p>Settings: {@code --registry_address} (or {@code MICRO_REGISTRY_ADDRESS}) lists the agents,
 * {@code host[:port][,host[:port]]} (port 8500 when absent; {@code https://} turns on TLS); when it
 * is empty, Consul's own {@code CONSUL_HTTP_ADDR} is used, else {@code 127.0.0.1:8500}. Like
 * Consul's Go client (so like go-micro), {@code CONSUL_HTTP_TOKEN} is the ACL token and {@code
 * CONSUL_HTTP_SSL=true} turns on HTTPS. A positive lookup timeout is the per-request timeout.
 */
public final class ConsulRegistryProvider implements RegistryProvider {

  /** Called by {@link java.util.ServiceLoader}. */
  public ConsulRegistryProvider() {}

  /** Returns {@code consul}. */
  @Override
  public String name() {
    return "consul";
  }

  /**
   * A {@link ConsulRegistry} connected to the configured agent.
   *
   * @throws io.micro.errors.MicroException when no agent answers, naming the addresses tried
   */
  @Override
  public Registry create(Config config) {
    return builder(config, System.getenv()).build();
  }

  /** The builder {@link #create(Config)} uses, reading Consul's variables from {@code env}. */
  static ConsulRegistry.Builder builder(Config config, Map<String, String> env) {
    ConsulRegistry.Builder b = ConsulRegistry.builder();
    if ("true".equalsIgnoreCase(env.getOrDefault("CONSUL_HTTP_SSL", "")) || "1".equals(env.get("CONSUL_HTTP_SSL"))) {
      b.secure(true);
    }
    List<String> addresses = config.addresses();
    String envAddress = env.getOrDefault("CONSUL_HTTP_ADDR", "").strip();
    if (addresses.isEmpty() && !envAddress.isEmpty()) {
      addresses = Arrays.asList(envAddress.split(","));
    }
    if (!addresses.isEmpty()) {
      b.addresses(addresses);
    }
    b.token(env.get("CONSUL_HTTP_TOKEN"));
    if (config.timeout() != null && !config.timeout().isNegative() && !config.timeout().isZero()) {
      b.timeout(config.timeout());
    }
    return b;
  }
}
