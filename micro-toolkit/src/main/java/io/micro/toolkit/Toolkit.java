package io.micro.toolkit;

import io.micro.broker.Broker;
import io.micro.broker.spi.BrokerProvider;
import io.micro.client.Client;
import io.micro.cmd.Flags;
import io.micro.cmd.Options;
import io.micro.cmd.Plugins;
import io.micro.registry.Registry;
import io.micro.registry.spi.RegistryProvider;
import io.micro.selector.Selector;
import io.micro.selector.spi.SelectorProvider;
import io.micro.transport.Transport;
import io.micro.transport.spi.TransportProvider;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts a subcommand works with, made from the global flags on first use: {@link #registry()},
 * {@link #selector()}, {@link #transport()}, {@link #client()}, {@link #broker()} and {@link
 * #publisher()}. Nothing is created (no socket opened, no registry contacted) until a getter asks
 * for it, so {@code micro list services} never starts a broker.
 *
 * <pre>{@code
 * @Command(name = "hello")
 * final class Hello implements Callable<Integer> {
 *   @Spec CommandSpec spec;
 *
 *   public Integer call() {
 *     Toolkit toolkit = Micro.toolkit(spec);   // closed by Micro when the command returns
 *     Map<?, ?> reply = toolkit.client().call("go.micro.srv.greeter", "Say.Hello", Map.of("name", "John"), Map.class);
 *     spec.commandLine().getOut().println(reply);
 *     return 0;
 *   }
 * }
 * }</pre>
 *
 * <p>Settings, weakest first: the defaults (registry {@code mdns}, transport {@code http}, selector
 * {@code cache}, broker {@code http}), the {@code MICRO_*} variables of {@link Builder#env}, then
 * the flags ({@link GlobalOptions}). Flags and variables are parsed by {@link Flags} and {@link
 * Options}, plugins found by {@link Plugins}: an unknown plugin name fails naming the available
 * ones. Two flags are the toolkit's own: {@code --proxy_address} ({@link #proxyAddress()}) and
 * {@code --output} ({@link #output()}).
 *
 * <p>Parts handed to the {@link Builder} are used as given and not closed; parts the toolkit
 * created are closed by {@link #close()}, in the reverse order of creation. Thread-safe.
 */
public final class Toolkit implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Toolkit.class);
  private static final int MAX_MESSAGE_SIZE = 4 * 1024 * 1024;

  private final Options options;
  private final Plugins plugins;
  private final @Nullable String proxyAddress;
  private final Output output;
  private final Deque<AutoCloseable> owned = new ArrayDeque<>();
  private @Nullable Registry registry;
  private @Nullable Selector selector;
  private @Nullable Transport transport;
  private @Nullable Broker broker;
  private @Nullable Client client;
  private @Nullable Client publisher;
  private boolean closed;

  private Toolkit(Builder b, Options options, @Nullable String proxyAddress, Output output) {
    this.options = options;
    this.plugins = b.plugins != null ? b.plugins : Plugins.load();
    this.proxyAddress = proxyAddress;
    this.output = output;
    this.registry = b.registry;
    this.selector = b.selector;
    this.transport = b.transport;
    this.broker = b.broker;
  }

  /** A builder with the process's environment and no flags. */
  public static Builder builder() {
    return new Builder();
  }

  /** The options the flags and variables gave (micro-core's view of them). */
  public Options options() {
    return options;
  }

  /** The plugins parts are created from. */
  public Plugins plugins() {
    return plugins;
  }

  /**
   * {@code --proxy_address} ({@code MICRO_PROXY_ADDRESS}): the sidecar every command goes through,
   * as given ({@code 127.0.0.1:8081} or {@code http://127.0.0.1:8081}); empty when commands use
   * the registry and client directly.
   */
  public Optional<String> proxyAddress() {
    return Optional.ofNullable(proxyAddress);
  }

  /** {@code --output} ({@code MICRO_OUTPUT}); default {@link Output#TEXT}. */
  public Output output() {
    return output;
  }

  /**
   * The registry {@code --registry} names (default {@code mdns}), created on first use.
   *
   * @throws IllegalArgumentException when no plugin has that name, listing the available ones
   * @throws IllegalStateException naming the registry and its addresses when it cannot start
   */
  public synchronized Registry registry() {
    checkOpen();
    if (registry == null) {
      String name = or(options.registry(), "mdns");
      try {
        registry = own(plugins.registry(name,
            new RegistryProvider.Config(options.registryAddress(), Duration.ZERO)));
      } catch (RuntimeException e) {
        if (!plugins.registries().contains(name.strip().toLowerCase(Locale.ROOT))) {
          throw e;
        }
        String where = options.registryAddress().isEmpty()
            ? "its default address" : String.join(",", options.registryAddress());
        throw new IllegalStateException(
            "registry " + name + " at " + where + ": cannot start: " + e.getMessage(), e);
      }
    }
    return registry;
  }

  /** The selector {@code --selector} names (default {@code cache}) over {@link #registry()}. */
  public synchronized Selector selector() {
    checkOpen();
    if (selector == null) {
      Selector s = plugins.selector(or(options.selector(), "cache"),
          new SelectorProvider.Config(registry()));
      owned.push(s::close);
      selector = s;
    }
    return selector;
  }

  /** The transport {@code --transport} names (default {@code http}). */
  public synchronized Transport transport() {
    checkOpen();
    if (transport == null) {
      transport = own(plugins.transport(or(options.transport(), "http"),
          new TransportProvider.Config(options.transportAddress(), MAX_MESSAGE_SIZE)));
    }
    return transport;
  }

  /**
   * The broker {@code --broker} names (default {@code http}), connected; the HTTP broker finds its
   * peers through {@link #registry()}.
   *
   * @throws io.micro.errors.MicroException or another runtime exception when it cannot connect
   */
  public synchronized Broker broker() {
    checkOpen();
    if (broker == null) {
      Broker b = own(plugins.broker(or(options.broker(), "http"),
          new BrokerProvider.Config(options.brokerAddress(), registry(), MAX_MESSAGE_SIZE)));
      b.connect();
      broker = b;
    }
    return broker;
  }

  /**
   * A client for calls over {@link #selector()} and {@link #transport()}, with the {@code
   * --client_*} settings. It has no broker: publish with {@link #publisher()}.
   */
  public synchronized Client client() {
    checkOpen();
    if (client == null) {
      client = own(clientBuilder().build());
    }
    return client;
  }

  /** A client like {@link #client()} whose {@code publish} goes through {@link #broker()}. */
  public synchronized Client publisher() {
    checkOpen();
    if (publisher == null) {
      publisher = own(clientBuilder().broker(broker()).build());
    }
    return publisher;
  }

  private Client.Builder clientBuilder() {
    Client.Builder cb = Client.builder().selector(selector()).transport(transport());
    if (options.clientRetries() != null) {
      cb.retries(options.clientRetries());
    }
    if (options.clientRequestTimeout() != null) {
      cb.requestTimeout(options.clientRequestTimeout());
    }
    if (options.clientPoolSize() != null) {
      cb.poolSize(options.clientPoolSize());
    }
    if (options.clientPoolTtl() != null) {
      cb.poolTtl(options.clientPoolTtl());
    }
    return cb;
  }

  /** Closes what the toolkit created, newest first; later getters fail. Idempotent. */
  @Override
  public synchronized void close() {
    closed = true;
    while (!owned.isEmpty()) {
      AutoCloseable c = owned.pop();
      try {
        c.close();
      } catch (Exception e) {
        LOG.warn("closing {}: {}", c, e.toString());
      }
    }
  }

  private <T extends AutoCloseable> T own(T part) {
    owned.push(part);
    return part;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("toolkit closed");
    }
  }

  private static String or(@Nullable String value, String fallback) {
    return value != null ? value : fallback;
  }

  /**
   * Collects the environment, the flags and parts to use as given. Not thread-safe; {@link
   * #build()} may be called more than once (each toolkit creates its own parts).
   */
  public static final class Builder {
    private Map<String, String> env = System.getenv();
    private final Map<String, String> flags = new LinkedHashMap<>();
    private @Nullable Plugins plugins;
    private @Nullable Registry registry;
    private @Nullable Selector selector;
    private @Nullable Transport transport;
    private @Nullable Broker broker;

    Builder() {}

    /** The variables {@code MICRO_*} settings are read from; default {@link System#getenv()}. */
    public Builder env(Map<String, String> env) {
      this.env = Map.copyOf(env);
      return this;
    }

    /**
     * Sets a flag by its go-micro name ({@code "registry", "etcd"}), as if given on the command
     * line; checked by {@link #build()}.
     */
    public Builder flag(String name, String value) {
      flags.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Sets every flag of {@code globals} (see {@link #flag}). */
    public Builder flags(GlobalOptions globals) {
      flags.putAll(globals.values());
      return this;
    }

    /** Where plugins are looked up; default {@link Plugins#load()}. */
    public Builder plugins(Plugins plugins) {
      this.plugins = Objects.requireNonNull(plugins, "plugins");
      return this;
    }

    /** A registry to use instead of the one {@code --registry} names; not closed by the toolkit. */
    public Builder registry(Registry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** A selector to use instead of creating one; not closed by the toolkit. */
    public Builder selector(Selector selector) {
      this.selector = Objects.requireNonNull(selector, "selector");
      return this;
    }

    /** A transport to use instead of creating one; not closed by the toolkit. */
    public Builder transport(Transport transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
      return this;
    }

    /** A connected broker to use instead of creating one; not closed by the toolkit. */
    public Builder broker(Broker broker) {
      this.broker = Objects.requireNonNull(broker, "broker");
      return this;
    }

    /**
     * A new toolkit. Nothing is created yet; flags and variables are checked now.
     *
     * @throws IllegalArgumentException naming the flag or variable that is invalid
     */
    public Toolkit build() {
      Options.Builder ob = Options.builder();
      String proxy = blankToNull(env.get("MICRO_PROXY_ADDRESS"));
      String out = env.get("MICRO_OUTPUT");
      Output output;
      try {
        output = out == null ? Output.TEXT : Output.parse(out);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("MICRO_OUTPUT: " + e.getMessage(), e);
      }
      for (Map.Entry<String, String> f : flags.entrySet()) {
        switch (f.getKey()) {
          case "proxy_address" -> proxy = blankToNull(f.getValue());
          case "output" -> output = Output.parse(f.getValue());
          default -> ob.set(f.getKey(), f.getValue());
        }
      }
      Options options = Flags.fromEnvironment(env).overriddenBy(ob.build());
      return new Toolkit(this, options, proxy, output);
    }

    private static @Nullable String blankToNull(@Nullable String s) {
      return s == null || s.isBlank() ? null : s.strip();
    }
  }
}
