package io.micro.server;

import io.micro.broker.Broker;
import io.micro.broker.SubscribeOptions;
import io.micro.codec.Codecs;
import io.micro.registry.Endpoint;
import io.micro.registry.Registry;
import io.micro.transport.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * An RPC server speaking go-micro's mucp protocol (and the legacy JSON-RPC / proto-RPC envelopes)
 * on a {@link Transport}, registered in a {@link Registry}.
 *
 * <pre>{@code
 * Server server = Server.builder()
 *     .name("go.micro.srv.greeter")
 *     .registry(registry)
 *     .transport(transport)
 *     .build();
 * server.handle(new Say());      // public methods hello(Request) -> endpoint "Say.Hello"
 * server.start();                // listen, register, re-register every 30 s
 * ...
 * server.stop();                 // deregister, stop accepting, drain in-flight calls, close
 * }</pre>
 *
 * <p>Handler methods take the request ({@code Resp hello(Req)}), optionally preceded by the
 * request {@link io.micro.metadata.Metadata} ({@code Resp hello(Metadata, Req)}), and return the
 * response or a {@code CompletionStage} of it. Throwing a {@link io.micro.errors.MicroException}
 * answers with that error; any other exception becomes a 500 carrying its message. During a call
 * {@link io.micro.metadata.Metadata#current()} and {@link Deadline#remaining()} describe it, so that
 * nested client calls carry the caller's headers onward.
 *
 * <p>A server is started once and stopped once; implementations are safe for concurrent use.
 */
public interface Server extends AutoCloseable {

  /** A builder with go-micro's defaults (see each method). */
  static Builder builder() {
    return new Builder();
  }

  /**
   * Serves the public instance methods of {@code handler} as {@code SimpleClassName.Method}.
   *
   * @throws IllegalArgumentException naming the method and the accepted shapes when a public
   *     method does not fit, or when an endpoint is already served
   */
  Server handle(Object handler);

  /**
   * Like {@link #handle(Object)}, serving the methods as {@code name.Method}.
   *
   * @throws IllegalArgumentException when {@code name} is a built-in handler's ({@code Debug},
   *     {@code Health}, {@code ServerReflection})
   */
  Server handle(String name, Object handler);

  /**
   * Subscribes the public instance methods of {@code subscriber} to {@code topic}: each method
   * {@code void m(T)} or {@code void m(Metadata, T)} gets every message decoded by its
   * {@code Content-Type} into {@code T}, and is registered as endpoint {@code SimpleClassName.Method}
   * with metadata {@code subscriber=true, topic=<topic>}. Subscribed through the broker on
   * {@link #start()} (or at once when running), unsubscribed on {@link #stop()} after deregistering.
   *
   * @throws IllegalArgumentException naming the method when one does not fit
   */
  default Server subscribe(String topic, Object subscriber) {
    return subscribe(topic, subscriber, SubscribeOptions.DEFAULT);
  }

  /** Like {@link #subscribe(String, Object)}, with a queue group, acknowledgement and retry options. */
  Server subscribe(String topic, Object subscriber, SubscribeOptions options);

  /** Subscribes a function, registered as endpoint {@code Func} (as go-micro's function subscribers). */
  default <T> Server subscribe(String topic, Class<T> type, MessageHandler<T> handler) {
    return subscribe(topic, type, handler, SubscribeOptions.DEFAULT);
  }

  /** Like {@link #subscribe(String, Class, MessageHandler)}, with options (e.g. a queue group). */
  <T> Server subscribe(String topic, Class<T> type, MessageHandler<T> handler, SubscribeOptions options);

  /** Messages that could not be decoded for a subscriber (logged, acknowledged and skipped) so far. */
  long undecodableMessages();

  /**
   * Listens, registers (when a registry was given) and starts re-registering. A failing
   * registration is retried in the background and does not fail the start.
   *
   * @throws IllegalStateException when already started or stopped
   * @throws RuntimeException the transport's error when the address cannot be bound
   */
  void start();

  /**
   * Shuts down gracefully: stops re-registering, deregisters, stops accepting connections, waits up
   * to the grace period for in-flight calls, then closes the listener and every connection. Does
   * nothing when not running. Blocks until done.
   */
  void stop();

  /** Same as {@link #stop()}. */
  @Override
  void close();

  /** The bound {@code host:port} once started (with the real port), else the configured address. */
  String address();

  /** The address registered for this node: the advertise address, else {@link #address()}. */
  String advertisedAddress();

  /** The service name, e.g. {@code go.micro.srv.greeter}. */
  String name();

  /** The service version, {@code latest} by default. */
  String version();

  /** The node id, {@code <name>-<id>}. */
  String id();

  /**
   * The endpoints this server advertises, sorted by name (the built-in {@code Debug.*},
   * {@code Health.*} and {@code ServerReflection.*} excluded).
   */
  List<Endpoint> endpoints();

  /**
   * Configures a {@link Server}. Not thread-safe; {@link #build()} may be called more than once.
   * Defaults follow go-micro except the address, which is loopback so that nothing is exposed by
   * accident.
   */
  final class Builder {
    String name = "go.micro.server";
    String version = "latest";
    String id = UUID.randomUUID().toString();
    String address = "127.0.0.1:0";
    String advertise = "";
    Map<String, String> metadata = new LinkedHashMap<>();
    @Nullable Registry registry;
    @Nullable Transport transport;
    @Nullable Broker broker;
    final List<SubscriberWrapper> subscriberWrappers = new ArrayList<>();
    Codecs codecs = Codecs.standard();
    final List<HandlerWrapper> wrappers = new ArrayList<>();
    ExecutionMode executionMode = ExecutionMode.AUTO;
    Duration gracePeriod = Duration.ofSeconds(10);
    Duration registerTtl = Duration.ofSeconds(60);
    Duration registerInterval = Duration.ofSeconds(30);
    int maxMessageSize = 4 * 1024 * 1024;

    Builder() {}

    /** The service name; default {@code go.micro.server}. */
    public Builder name(String name) {
      this.name = requireText(name, "name");
      return this;
    }

    /** The service version; default {@code latest}. */
    public Builder version(String version) {
      this.version = requireText(version, "version");
      return this;
    }

    /** The server id; the node registers as {@code <name>-<id>}. Default: a random UUID. */
    public Builder id(String id) {
      this.id = requireText(id, "id");
      return this;
    }

    /**
     * The {@code host:port} to listen on; port 0 picks a free one. Default {@code 127.0.0.1:0}
     * (loopback only; go-micro's {@code :0} listens everywhere): use {@code 0.0.0.0:0} to serve
     * other machines.
     */
    public Builder address(String address) {
      this.address = requireText(address, "address");
      return this;
    }

    /** The {@code host:port} to register instead of the listener's (behind NAT, in containers). */
    public Builder advertise(String advertise) {
      this.advertise = Objects.requireNonNull(advertise, "advertise");
      return this;
    }

    /** Extra node metadata, registered beside {@code protocol}, {@code transport}, {@code registry}, {@code server}. */
    public Builder metadata(Map<String, String> metadata) {
      this.metadata = new LinkedHashMap<>(metadata);
      return this;
    }

    /** The registry to register in; none by default (the server then only serves). Not closed by the server. */
    public Builder registry(@Nullable Registry registry) {
      this.registry = registry;
      return this;
    }

    /**
     * The transport to listen on; not closed by the server. Default: an {@code HttpTransport} with
     * {@link #maxMessageSize}, created at {@link #build()} and closed when the server stops.
     */
    public Builder transport(Transport transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
      return this;
    }

    /**
     * The broker subscribers are subscribed through; its name is registered as node metadata
     * {@code broker}. Connected at start when there are subscribers; not closed by the server.
     */
    public Builder broker(@Nullable Broker broker) {
      this.broker = broker;
      return this;
    }

    /** Adds subscriber wrappers; they apply in the order given, the first outermost. */
    public Builder wrapSubscriber(SubscriberWrapper... wrappers) {
      for (SubscriberWrapper w : wrappers) {
        this.subscriberWrappers.add(Objects.requireNonNull(w, "wrapper"));
      }
      return this;
    }

    /** The codecs and legacy envelopes to speak; default {@link Codecs#standard()}. */
    public Builder codecs(Codecs codecs) {
      this.codecs = Objects.requireNonNull(codecs, "codecs");
      return this;
    }

    /** Adds handler wrappers; they apply in the order given, the first outermost. */
    public Builder wrap(HandlerWrapper... wrappers) {
      for (HandlerWrapper w : wrappers) {
        this.wrappers.add(Objects.requireNonNull(w, "wrapper"));
      }
      return this;
    }

    /** Where handlers run; default {@link ExecutionMode#AUTO}. */
    public Builder executionMode(ExecutionMode mode) {
      this.executionMode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /** How long {@link Server#stop()} waits for in-flight calls; default 10 s. */
    public Builder gracePeriod(Duration grace) {
      this.gracePeriod = requireNotNegative(grace, "gracePeriod");
      return this;
    }

    /** The TTL of each registration; default 60 s (go-micro's flag default). */
    public Builder registerTtl(Duration ttl) {
      this.registerTtl = requirePositive(ttl, "registerTtl");
      return this;
    }

    /** How often to register again; default 30 s. */
    public Builder registerInterval(Duration interval) {
      this.registerInterval = requirePositive(interval, "registerInterval");
      return this;
    }

    /**
     * The largest request body accepted (413 beyond it); default 4 MiB. Configure the transport's
     * own limit to the same value: it refuses larger messages before they reach the server.
     */
    public Builder maxMessageSize(int bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("maxMessageSize: " + bytes + " (expected: > 0)");
      }
      this.maxMessageSize = bytes;
      return this;
    }

    /** A new server with these settings. */
    public Server build() {
      return new MucpServer(this);
    }

    private static String requireText(String value, String what) {
      Objects.requireNonNull(value, what);
      if (value.isBlank()) {
        throw new IllegalArgumentException(what + ": '" + value + "' (expected: non-blank)");
      }
      return value.strip();
    }

    private static Duration requirePositive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + ": " + d + " (expected: > 0)");
      }
      return d;
    }

    private static Duration requireNotNegative(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative()) {
        throw new IllegalArgumentException(what + ": " + d + " (expected: >= 0)");
      }
      return d;
    }
  }
}
