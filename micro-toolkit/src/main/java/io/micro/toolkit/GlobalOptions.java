package io.micro.toolkit;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * go-micro's global flags as a picocli mixin: {@code --registry --registry_address --broker
 * --broker_address --transport --transport_address --selector --register_ttl --register_interval
 * --client_retries --client_request_timeout --client_pool_size --client_pool_ttl}, plus the
 * toolkit's {@code --proxy_address} and {@code --output}.
 *
 * <p>{@link Micro} mixes it in once, at the root, with every option {@link ScopeType#INHERIT
 * inherited}: the flags may be given before or after the subcommand ({@code micro --registry=etcd
 * list services} and {@code micro list services --registry etcd} are the same), and a subcommand
 * must not declare them again. Values are kept as the text the user typed; {@link Toolkit.Builder}
 * checks them through {@link io.micro.cmd.Options.Builder#set(String, String)}, so errors read as
 * micro-core's ({@code client_retries: 'x' (expected: a whole number >= 0)}). The {@code MICRO_*}
 * variables are read there too; flags win over variables.
 *
 * <p>Not thread-safe: filled by picocli while parsing, then read.
 */
public final class GlobalOptions {
  private final Map<String, String> values = new LinkedHashMap<>();

  /** The flags the user gave, by go-micro name ({@code registry}), in the order given. */
  public Map<String, String> values() {
    return Collections.unmodifiableMap(values);
  }

  private void put(String name, @Nullable String value) {
    if (value != null) {
      values.put(name, value);
    }
  }

  @Option(names = "--registry", scope = ScopeType.INHERIT, paramLabel = "NAME", order = 1,
      description = "registry: mdns (default), memory, etcd, consul, kubernetes, zookeeper [$MICRO_REGISTRY]")
  void registry(@Nullable String v) {
    put("registry", v);
  }

  @Option(names = "--registry_address", scope = ScopeType.INHERIT, paramLabel = "HOST:PORT,...",
      order = 2, description = "comma-separated registry addresses [$MICRO_REGISTRY_ADDRESS]")
  void registryAddress(@Nullable String v) {
    put("registry_address", v);
  }

  @Option(names = "--broker", scope = ScopeType.INHERIT, paramLabel = "NAME", order = 3,
      description = "broker: http (default), memory, nats, kafka, rabbitmq, redis, mqtt [$MICRO_BROKER]")
  void broker(@Nullable String v) {
    put("broker", v);
  }

  @Option(names = "--broker_address", scope = ScopeType.INHERIT, paramLabel = "HOST:PORT,...",
      order = 4, description = "comma-separated broker addresses [$MICRO_BROKER_ADDRESS]")
  void brokerAddress(@Nullable String v) {
    put("broker_address", v);
  }

  @Option(names = "--transport", scope = ScopeType.INHERIT, paramLabel = "NAME", order = 5,
      description = "transport: http (default) [$MICRO_TRANSPORT]")
  void transport(@Nullable String v) {
    put("transport", v);
  }

  @Option(names = "--transport_address", scope = ScopeType.INHERIT, paramLabel = "HOST:PORT,...",
      order = 6, description = "comma-separated transport addresses [$MICRO_TRANSPORT_ADDRESS]")
  void transportAddress(@Nullable String v) {
    put("transport_address", v);
  }

  @Option(names = "--selector", scope = ScopeType.INHERIT, paramLabel = "NAME", order = 7,
      description = "selector: cache (default) or registry [$MICRO_SELECTOR]")
  void selector(@Nullable String v) {
    put("selector", v);
  }

  @Option(names = "--register_ttl", scope = ScopeType.INHERIT, paramLabel = "SECONDS", order = 8,
      description = "registration TTL: seconds or 30s, 1m [$MICRO_REGISTER_TTL]")
  void registerTtl(@Nullable String v) {
    put("register_ttl", v);
  }

  @Option(names = "--register_interval", scope = ScopeType.INHERIT, paramLabel = "SECONDS",
      order = 9, description = "re-registration interval: seconds or 15s [$MICRO_REGISTER_INTERVAL]")
  void registerInterval(@Nullable String v) {
    put("register_interval", v);
  }

  @Option(names = "--client_retries", scope = ScopeType.INHERIT, paramLabel = "N", order = 10,
      description = "times a call is retried [$MICRO_CLIENT_RETRIES]")
  void clientRetries(@Nullable String v) {
    put("client_retries", v);
  }

  @Option(names = "--client_request_timeout", scope = ScopeType.INHERIT, paramLabel = "DURATION",
      order = 11, description = "call timeout: seconds or 500ms, 5s [$MICRO_CLIENT_REQUEST_TIMEOUT]")
  void clientRequestTimeout(@Nullable String v) {
    put("client_request_timeout", v);
  }

  @Option(names = "--client_pool_size", scope = ScopeType.INHERIT, paramLabel = "N", order = 12,
      description = "idle connections kept per node [$MICRO_CLIENT_POOL_SIZE]")
  void clientPoolSize(@Nullable String v) {
    put("client_pool_size", v);
  }

  @Option(names = "--client_pool_ttl", scope = ScopeType.INHERIT, paramLabel = "DURATION",
      order = 13, description = "how long a pooled connection lives [$MICRO_CLIENT_POOL_TTL]")
  void clientPoolTtl(@Nullable String v) {
    put("client_pool_ttl", v);
  }

  @Option(names = "--proxy_address", scope = ScopeType.INHERIT, paramLabel = "HOST:PORT",
      order = 14, description = "send every command over HTTP to this sidecar [$MICRO_PROXY_ADDRESS]")
  void proxyAddress(@Nullable String v) {
    put("proxy_address", v);
  }

  @Option(names = {"--output", "-o"}, scope = ScopeType.INHERIT, paramLabel = "text|json",
      order = 15, description = "output format: text (default) or json [$MICRO_OUTPUT]")
  void output(@Nullable String v) {
    put("output", v);
  }
}
