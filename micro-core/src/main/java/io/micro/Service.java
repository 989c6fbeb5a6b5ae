package io.micro;

import io.micro.broker.Broker;
import io.micro.client.CallWrapper;
import io.micro.client.Client;
import io.micro.cmd.Flags;
import io.micro.cmd.Options;
import io.micro.cmd.Plugins;
import io.micro.codec.Codecs;
import io.micro.registry.Registry;
import io.micro.selector.Selector;
import io.micro.server.ExecutionMode;
import io.micro.server.HandlerWrapper;
import io.micro.server.Server;
import io.micro.server.SubscriberWrapper;
import io.micro.transport.Transport;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A microservice: a {@link Server} serving handlers, a {@link Client} calling others, and the
 * {@link Registry}, {@link Selector}, {@link Transport} and {@link Broker} they share. Subscribers
 * are added with {@code service.server().subscribe(topic, subscriber)}; messages are published with
 * {@code service.client().publish(topic, message)}.
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *   Service service = Service.builder()
 *       .name("go.micro.srv.greeter")
 *       .args(args)                 // --registry=mdns --server_address=... and MICRO_* variables
 *       .handler(new Say())         // public methods hello(Request) become Say.Hello
 *       .build();
 *   service.run();                  // blocks until SIGTERM/SIGINT, then shuts down gracefully
 * }
 *
 * // a client:
 * try (Service svc = Service.builder().name("greeter.client").args(args).build()) {
 *   Response rsp = svc.client().call("go.micro.srv.greeter", "Say.Hello", req, Response.class);
 * }
 * }</pre>
 *
 * <p>Settings come from, weakest first: built-in defaults (registry {@code mdns}, transport
 * {@code http}, selector {@code registry}, broker {@code http}, address {@code 127.0.0.1:0}), the builder, the
 * {@code MICRO_*} environment, then the flags of {@link Builder#args} (see {@link Flags}). Plugins
 * named by flags are found with {@link Plugins}; an unknown name fails {@link Builder#build()} with the
 * names that are available. Parts created by the service are closed by it; parts handed to the
 * builder are not.
 *
 * <p>{@link #stop()} shuts down in go-micro's order: deregister, stop accepting, drain in-flight calls
 * (grace period), close; then the client and the parts the service created. Thread-safe.
 */
public final class Service implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Service.class);

  private final Server server;
  private final Client client;
  private final Registry registry;
  private final Selector selector;
  private final Transport transport;
  private final Broker broker;
  private final Options options;
  private final Deque<AutoCloseable> owned;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private boolean started;
  private boolean closed;

  Service(Server server, Client client, Registry registry, Selector selector,
      Transport transport, Broker broker, Options options, Deque<AutoCloseable> owned) {
    this.server = server;
    this.client = client;
    this.registry = registry;
    this.selector = selector;
    this.transport = transport;
    this.broker = broker;
    this.options = options;
    this.owned = owned;
  }

  /** A builder with the defaults above. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts the server: listen, register, re-register every interval.
   *
   * @throws IllegalStateException when already started or stopped
   */
  public synchronized void start() {
    if (closed || started) {
      throw new IllegalStateException("service " + server.name() + ": "
          + (closed ? "stopped" : "already started") + " (expected: a new service)");
    }
    started = true;
    broker.connect(); // fails naming the broker when it cannot be reached
    server.start();
  }

  /**
   * Starts, then blocks until the JVM is asked to exit (SIGTERM, SIGINT) or {@link #stop()} is
   * called from another thread; shuts down gracefully in both cases before returning.
   */
  public void run() {
    start();
    Thread hook = new Thread(this::stop, "micro-shutdown-" + server.name());
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or ran: nothing to remove
      }
    }
  }

  /**
   * Shuts down gracefully: the server deregisters, stops accepting, drains in-flight calls and
   * closes; then the client and every part this service created are closed. Idempotent; blocks
   * until done.
   */
  public void stop() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    try {
      server.stop();
    } finally {
      closeQuietly(client);
      while (!owned.isEmpty()) {
        closeQuietly(owned.pop());
      }
      stopped.countDown();
    }
  }

  /** Same as {@link #stop()}. */
  @Override
  public void close() {
    stop();
  }

  /** The server; handlers may be added until {@link #start()}. */
  public Server server() {
    return server;
  }

  /** The client, sharing this service's selector and transport. */
  public Client client() {
    return client;
  }

  /** The registry the server registers in and the selector reads. */
  public Registry registry() {
    return registry;
  }

  /** The selector the client picks nodes with. */
  public Selector selector() {
    return selector;
  }

  /** The transport the server listens on and the client dials with. */
  public Transport transport() {
    return transport;
  }

  /**
   * The broker {@code client().publish} publishes with and the server's subscribers receive from:
   * {@code http} by default, or the one {@code --broker}/{@code MICRO_BROKER} names, at
   * {@code --broker_address}. Connected by {@link #start()} (or on first use).
   */
  public Broker broker() {
    return broker;
  }

  /** What the flags and the environment gave, including the arguments that were not flags. */
  public Options options() {
    return options;
  }

  /** The service name. */
  public String name() {
    return server.name();
  }

  static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      LOG.warn("closing {}: {}", c, e.toString());
    }
  }

  /**
   * Configures a {@link Service}. Not thread-safe. Values given here lose to the environment and the
   * flags.
   */
  public static final class Builder {
    private String name = "go.micro.server";
    private @Nullable String version;
    private String[] args = new String[0];
    private Map<String, String> env = System.getenv();
    private @Nullable Registry registry;
    private @Nullable Transport transport;
    private @Nullable Selector selector;
    private Codecs codecs = Codecs.standard();
    private @Nullable String address;
    private Map<String, String> metadata = new LinkedHashMap<>();
    private final List<ServiceAssembly.Handler> handlers = new ArrayList<>();
    private final List<HandlerWrapper> handlerWrappers = new ArrayList<>();
    private final List<CallWrapper> callWrappers = new ArrayList<>();
    private final List<SubscriberWrapper> subscriberWrappers = new ArrayList<>();
    private @Nullable Broker broker;
    private @Nullable ExecutionMode executionMode;
    private @Nullable Duration gracePeriod;
    private int maxMessageSize = 4 * 1024 * 1024;
    private @Nullable Plugins plugins;

    private Builder() {}

    /** The service name; {@code --server_name} wins. Default {@code go.micro.server}. */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /** The version; {@code --server_version} wins. Default {@code latest}. */
    public Builder version(String version) {
      this.version = Objects.requireNonNull(version, "version");
      return this;
    }

    /** The command-line arguments: go-micro's flags (see {@link Flags}). */
    public Builder args(String... args) {
      this.args = args.clone();
      return this;
    }

    /** The environment to read {@code MICRO_*} variables from; default {@code System.getenv()}. */
    public Builder environment(Map<String, String> env) {
      this.env = Map.copyOf(env);
      return this;
    }

    /** The listen address; {@code --server_address} wins. Default {@code 127.0.0.1:0}. */
    public Builder address(String address) {
      this.address = Objects.requireNonNull(address, "address");
      return this;
    }

    /** Node metadata; {@code --server_metadata} replaces it. */
    public Builder metadata(Map<String, String> metadata) {
      this.metadata = new LinkedHashMap<>(metadata);
      return this;
    }

    /** Serves the public methods of {@code handler} as {@code SimpleClassName.Method}. */
    public Builder handler(Object handler) {
      handlers.add(new ServiceAssembly.Handler(null, Objects.requireNonNull(handler, "handler")));
      return this;
    }

    /** Serves the public methods of {@code handler} as {@code name.Method}. */
    public Builder handler(String name, Object handler) {
      handlers.add(new ServiceAssembly.Handler(Objects.requireNonNull(name, "name"), Objects.requireNonNull(handler, "handler")));
      return this;
    }

    /** Server middleware, applied in the order given (the first outermost). */
    public Builder wrap(HandlerWrapper... wrappers) {
      handlerWrappers.addAll(List.of(wrappers));
      return this;
    }

    /** Client middleware, applied in the order given (the first outermost). */
    public Builder wrapClient(CallWrapper... wrappers) {
      callWrappers.addAll(List.of(wrappers));
      return this;
    }

    /** Subscriber middleware, applied in the order given (the first outermost). */
    public Builder wrapSubscriber(SubscriberWrapper... wrappers) {
      subscriberWrappers.addAll(List.of(wrappers));
      return this;
    }

    /** A broker to use (not closed by the service); {@code --broker} wins. */
    public Builder broker(Broker broker) {
      this.broker = Objects.requireNonNull(broker, "broker");
      return this;
    }

    /** A registry to use (not closed by the service); {@code --registry} wins. */
    public Builder registry(Registry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** A transport to use (not closed by the service); {@code --transport} wins. */
    public Builder transport(Transport transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
      return this;
    }

    /** A selector to use (not closed by the service); {@code --selector} wins. */
    public Builder selector(Selector selector) {
      this.selector = Objects.requireNonNull(selector, "selector");
      return this;
    }

    /** The codecs of both server and client; default {@link Codecs#standard()}. */
    public Builder codecs(Codecs codecs) {
      this.codecs = Objects.requireNonNull(codecs, "codecs");
      return this;
    }

    /** Where handlers run; {@code --server_execution} wins. Default {@link ExecutionMode#AUTO}. */
    public Builder executionMode(ExecutionMode mode) {
      this.executionMode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /** How long a stop waits for in-flight calls; default 10 s. */
    public Builder gracePeriod(Duration grace) {
      this.gracePeriod = Objects.requireNonNull(grace, "grace");
      return this;
    }

    /** The largest message accepted by the transport and the server; default 4 MiB. */
    public Builder maxMessageSize(int bytes) {
      this.maxMessageSize = bytes;
      return this;
    }

    /** Where plugins are looked up; default {@link Plugins#load()}. */
    public Builder plugins(Plugins plugins) {
      this.plugins = Objects.requireNonNull(plugins, "plugins");
      return this;
    }

    /**
     * A new service, not started.
     *
     * @throws IllegalArgumentException naming the flag, variable or plugin that is wrong
     */
    public Service build() {
      Options o = Flags.parse(args, env);
      Plugins p = plugins != null ? plugins : Plugins.load();
      Deque<AutoCloseable> owned = new ArrayDeque<>();
      try {
        return ServiceAssembly.assemble(this, o, p, owned);
      } catch (RuntimeException e) {
        while (!owned.isEmpty()) {
          closeQuietly(owned.pop());
        }
        throw e;
      }
    }

    // read by ServiceAssembly
    String name() {
      return name;
    }

    @Nullable String version() {
      return version;
    }

    @Nullable Registry registry() {
      return registry;
    }

    @Nullable Transport transport() {
      return transport;
    }

    @Nullable Selector selector() {
      return selector;
    }

    Codecs codecs() {
      return codecs;
    }

    @Nullable String address() {
      return address;
    }

    Map<String, String> metadata() {
      return metadata;
    }

    List<ServiceAssembly.Handler> handlers() {
      return handlers;
    }

    List<HandlerWrapper> handlerWrappers() {
      return handlerWrappers;
    }

    List<CallWrapper> callWrappers() {
      return callWrappers;
    }

    List<SubscriberWrapper> subscriberWrappers() {
      return subscriberWrappers;
    }

    @Nullable Broker broker() {
      return broker;
    }

    @Nullable ExecutionMode executionMode() {
      return executionMode;
    }

    @Nullable Duration gracePeriod() {
      return gracePeriod;
    }

    int maxMessageSize() {
      return maxMessageSize;
    }
  }
}
