package io.micro.cmd;

import io.micro.server.ExecutionMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the command line and the environment asked for. A null (or empty) component means "not
 * given", so that the caller keeps its own value: {@code builder < environment < flags}.
 *
 * <p>Immutable; read with {@link Flags#parse}, or build with {@link #builder()} and combine with
 * {@link #overriddenBy(Options)}.
 *
 * @param serverName {@code --server_name}
 * @param serverVersion {@code --server_version}
 * @param serverId {@code --server_id}
 * @param serverAddress {@code --server_address}
 * @param serverAdvertise {@code --server_advertise}
 * @param serverMetadata {@code --server_metadata}, {@code k=v} pairs
 * @param serverExecution {@code --server_execution}
 * @param registry {@code --registry}
 * @param registryAddress {@code --registry_address}
 * @param broker {@code --broker}
 * @param brokerAddress {@code --broker_address}
 * @param transport {@code --transport}
 * @param transportAddress {@code --transport_address}
 * @param selector {@code --selector}
 * @param registerTtl {@code --register_ttl}
 * @param registerInterval {@code --register_interval}
 * @param clientRetries {@code --client_retries}
 * @param clientRequestTimeout {@code --client_request_timeout}
 * @param clientPoolSize {@code --client_pool_size}
 * @param clientPoolTtl {@code --client_pool_ttl}
 * @param args the arguments that are not flags, in order
 */
public record Options(
    @Nullable String serverName,
    @Nullable String serverVersion,
    @Nullable String serverId,
    @Nullable String serverAddress,
    @Nullable String serverAdvertise,
    Map<String, String> serverMetadata,
    @Nullable ExecutionMode serverExecution,
    @Nullable String registry,
    List<String> registryAddress,
    @Nullable String broker,
    List<String> brokerAddress,
    @Nullable String transport,
    List<String> transportAddress,
    @Nullable String selector,
    @Nullable Duration registerTtl,
    @Nullable Duration registerInterval,
    @Nullable Integer clientRetries,
    @Nullable Duration clientRequestTimeout,
    @Nullable Integer clientPoolSize,
    @Nullable Duration clientPoolTtl,
    List<String> args) {

  /** Nothing given. */
  public static final Options EMPTY = builder().build();

  /** Copies the collections. */
  public Options {
    serverMetadata = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(serverMetadata));
    registryAddress = List.copyOf(registryAddress);
    brokerAddress = List.copyOf(brokerAddress);
    transportAddress = List.copyOf(transportAddress);
    args = List.copyOf(args);
  }

  /** An empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these options. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.serverName = serverName;
    b.serverVersion = serverVersion;
    b.serverId = serverId;
    b.serverAddress = serverAddress;
    b.serverAdvertise = serverAdvertise;
    b.serverMetadata.putAll(serverMetadata);
    b.serverExecution = serverExecution;
    b.registry = registry;
    b.registryAddress.addAll(registryAddress);
    b.broker = broker;
    b.brokerAddress.addAll(brokerAddress);
    b.transport = transport;
    b.transportAddress.addAll(transportAddress);
    b.selector = selector;
    b.registerTtl = registerTtl;
    b.registerInterval = registerInterval;
    b.clientRetries = clientRetries;
    b.clientRequestTimeout = clientRequestTimeout;
    b.clientPoolSize = clientPoolSize;
    b.clientPoolTtl = clientPoolTtl;
    b.args.addAll(args);
    return b;
  }

  /**
   * These options with every value that {@code over} gives replacing ours: a list, the metadata or
   * the arguments given in {@code over} replace ours as a whole.
   */
  public Options overriddenBy(Options over) {
    return new Options(
        or(over.serverName, serverName),
        or(over.serverVersion, serverVersion),
        or(over.serverId, serverId),
        or(over.serverAddress, serverAddress),
        or(over.serverAdvertise, serverAdvertise),
        over.serverMetadata.isEmpty() ? serverMetadata : over.serverMetadata,
        or(over.serverExecution, serverExecution),
        or(over.registry, registry),
        over.registryAddress.isEmpty() ? registryAddress : over.registryAddress,
        or(over.broker, broker),
        over.brokerAddress.isEmpty() ? brokerAddress : over.brokerAddress,
        or(over.transport, transport),
        over.transportAddress.isEmpty() ? transportAddress : over.transportAddress,
        or(over.selector, selector),
        or(over.registerTtl, registerTtl),
        or(over.registerInterval, registerInterval),
        or(over.clientRetries, clientRetries),
        or(over.clientRequestTimeout, clientRequestTimeout),
        or(over.clientPoolSize, clientPoolSize),
        or(over.clientPoolTtl, clientPoolTtl),
        over.args.isEmpty() ? args : over.args);
  }

  private static <T> @Nullable T or(@Nullable T first, @Nullable T second) {
    return first != null ? first : second;
  }

  /** Collects options; every setter checks its value and names it on error. */
  public static final class Builder {
    @Nullable String serverName;
    @Nullable String serverVersion;
    @Nullable String serverId;
    @Nullable String serverAddress;
    @Nullable String serverAdvertise;
    final Map<String, String> serverMetadata = new LinkedHashMap<>();
    @Nullable ExecutionMode serverExecution;
    @Nullable String registry;
    final List<String> registryAddress = new ArrayList<>();
    @Nullable String broker;
    final List<String> brokerAddress = new ArrayList<>();
    @Nullable String transport;
    final List<String> transportAddress = new ArrayList<>();
    @Nullable String selector;
    @Nullable Duration registerTtl;
    @Nullable Duration registerInterval;
    @Nullable Integer clientRetries;
    @Nullable Duration clientRequestTimeout;
    @Nullable Integer clientPoolSize;
    @Nullable Duration clientPoolTtl;
    final List<String> args = new ArrayList<>();

    Builder() {}

    /**
     * Sets a flag from its text as given on the command line ({@code "register_ttl", "30"});
     * list and metadata flags add to what is there.
     *
     * @throws IllegalArgumentException naming the flag when it is unknown or its value is invalid
     */
    public Builder set(String flag, String value) {
      return set(Flags.lookup(flag), value);
    }

    Builder set(Flag flag, String value) {
      String v = value.strip();
      switch (flag) {
        case SERVER_NAME -> serverName = text(flag, v);
        case SERVER_VERSION -> serverVersion = text(flag, v);
        case SERVER_ID -> serverId = text(flag, v);
        case SERVER_ADDRESS -> serverAddress = text(flag, v);
        case SERVER_ADVERTISE -> serverAdvertise = text(flag, v);
        case SERVER_METADATA -> metadata(v);
        case SERVER_EXECUTION -> serverExecution = ExecutionMode.parse(v);
        case REGISTRY -> registry = text(flag, v);
        case REGISTRY_ADDRESS -> registryAddress.addAll(list(v));
        case BROKER -> broker = text(flag, v);
        case BROKER_ADDRESS -> brokerAddress.addAll(list(v));
        case TRANSPORT -> transport = text(flag, v);
        case TRANSPORT_ADDRESS -> transportAddress.addAll(list(v));
        case SELECTOR -> selector = text(flag, v);
        case REGISTER_TTL -> registerTtl = positive(flag, GoDuration.parse(flag.flagName, v));
        case REGISTER_INTERVAL -> registerInterval = positive(flag, GoDuration.parse(flag.flagName, v));
        case CLIENT_RETRIES -> clientRetries = count(flag, v);
        case CLIENT_REQUEST_TIMEOUT -> clientRequestTimeout = positive(flag, GoDuration.parse(flag.flagName, v));
        case CLIENT_POOL_SIZE -> clientPoolSize = count(flag, v);
        case CLIENT_POOL_TTL -> clientPoolTtl = positive(flag, GoDuration.parse(flag.flagName, v));
      }
      return this;
    }

    /** Adds an argument that is not a flag. */
    public Builder arg(String arg) {
      args.add(arg);
      return this;
    }

    /** The options. */
    public Options build() {
      return new Options(serverName, serverVersion, serverId, serverAddress, serverAdvertise,
          serverMetadata, serverExecution, registry, registryAddress, broker, brokerAddress, transport,
          transportAddress, selector, registerTtl, registerInterval, clientRetries,
          clientRequestTimeout, clientPoolSize, clientPoolTtl, args);
    }

    private void metadata(String v) {
      for (String pair : list(v)) {
        int eq = pair.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("server_metadata: '" + pair + "' (expected: key=value)");
        }
        serverMetadata.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
      }
    }

    private static List<String> list(String v) {
      List<String> out = new ArrayList<>();
      for (String part : v.split(",")) {
        if (!part.isBlank()) {
          out.add(part.strip());
        }
      }
      return out;
    }

    private static String text(Flag flag, String v) {
      if (v.isEmpty()) {
        throw new IllegalArgumentException(flag.flagName + ": '' (expected: a value)");
      }
      return v;
    }

    private static int count(Flag flag, String v) {
      try {
        int n = Integer.parseInt(v);
        if (n >= 0) {
          return n;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new IllegalArgumentException(flag.flagName + ": '" + v + "' (expected: a whole number >= 0)");
    }

    private static Duration positive(Flag flag, Duration d) {
      if (d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException(flag.flagName + ": " + d + " (expected: > 0)");
      }
      return d;
    }
  }
}
