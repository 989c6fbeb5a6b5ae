package io.micro.server;

import io.micro.broker.Broker;
import io.micro.broker.SubscribeOptions;
import io.micro.registry.Endpoint;
import io.micro.registry.Node;
import io.micro.registry.Registry;
import io.micro.registry.Service;
import io.micro.transport.Listener;
import io.micro.transport.Transport;
import io.micro.transport.http.HttpTransport;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The mucp {@link Server}: see the interface for the contract. */
final class MucpServer implements Server {
  private static final Logger LOG = LoggerFactory.getLogger(MucpServer.class);
  private static final String DEBUG = "Debug";
  private static final String HEALTH = "Health";
  private static final String REFLECTION = "ServerReflection";

  private enum State { NEW, RUNNING, STOPPED }

  private final String name;
  private final String version;
  private final String nodeId;
  private final String address;
  private final String advertise;
  private final Map<String, String> metadata;
  private final @Nullable Registry registry;
  private final Transport transport;
  private final boolean ownsTransport;
  private final io.micro.codec.Codecs codecs;
  private final List<HandlerWrapper> wrappers;
  private final ExecutionMode mode;
  private final Duration grace;
  private final Duration ttl;
  private final Duration interval;
  private final int maxMessageSize;
  private final Debug debug = new Debug();
  private final GrpcHealth health;
  private final InFlight inFlight = new InFlight();
  private final @Nullable Broker broker;
  private final Subscribers subscribers;

  private volatile Map<String, HandlerMethod> handlers = Map.of();
  private State state = State.NEW;
  private @Nullable Listener listener;
  private @Nullable ExecutorService executor;
  private @Nullable Registrar registrar;
  private volatile String boundAddress;
  private volatile String registeredAddress;

  MucpServer(Server.Builder b) {
    this.name = b.name;
    this.version = b.version;
    this.nodeId = b.name + "-" + b.id;
    this.address = b.address;
    this.advertise = b.advertise;
    this.metadata = Map.copyOf(b.metadata);
    this.registry = b.registry;
    this.ownsTransport = b.transport == null;
    this.transport = b.transport != null ? b.transport
        : HttpTransport.builder().maxMessageSize(b.maxMessageSize).build();
    this.codecs = b.codecs;
    this.wrappers = List.copyOf(b.wrappers);
    this.mode = b.executionMode;
    this.grace = b.gracePeriod;
    this.ttl = b.registerTtl;
    this.interval = b.registerInterval;
    this.maxMessageSize = b.maxMessageSize;
    this.boundAddress = b.address;
    this.registeredAddress = b.advertise.isBlank() ? b.address : b.advertise;
    this.broker = b.broker;
    this.subscribers = new Subscribers(b.name, b.codecs, b.subscriberWrappers);
    add(DEBUG, debug);
    this.health = new GrpcHealth(b.name, () -> handlers.keySet());
    add(HEALTH, health);
    add(REFLECTION, new GrpcReflection(() -> handlers));
  }

  @Override
  public Server handle(Object handler) {
    return handle(HandlerExtractor.defaultName(handler), handler);
  }

  @Override
  public Server handle(String handlerName, Object handler) {
    java.util.Objects.requireNonNull(handler, "handler");
    if (handlerName.equals(DEBUG) || handlerName.equals(HEALTH) || handlerName.equals(REFLECTION)) {
      throw new IllegalArgumentException("handler name: '" + handlerName + "' for "
          + handler.getClass().getName() + " (expected: another name; " + handlerName
          + " is built in)");
    }
    add(handlerName, handler);
    return this;
  }

  @Override
  public Server subscribe(String topic, Object subscriber, SubscribeOptions options) {
    java.util.Objects.requireNonNull(subscriber, "subscriber");
    return addSubscriber(topic, SubscriberMethod.of(requireTopic(topic), subscriber), options);
  }

  @Override
  public <T> Server subscribe(String topic, Class<T> type, MessageHandler<T> handler,
      SubscribeOptions options) {
    java.util.Objects.requireNonNull(type, "type");
    java.util.Objects.requireNonNull(handler, "handler");
    return addSubscriber(topic, List.of(SubscriberMethod.function(requireTopic(topic), type, handler)), options);
  }

  private synchronized Server addSubscriber(String topic, List<SubscriberMethod> methods,
      SubscribeOptions options) {
    java.util.Objects.requireNonNull(options, "options");
    if (state == State.STOPPED) {
      throw new IllegalStateException("server " + name + ": stopped (expected: a server not stopped)");
    }
    if (state == State.RUNNING && broker == null) {
      throw new IllegalStateException("server " + name + ": subscriber of topic " + topic
          + " but no broker (expected: Server.Builder.broker)");
    }
    subscribers.add(new Subscribers.Entry(topic, methods, options));
    return this;
  }

  private static String requireTopic(String topic) {
    java.util.Objects.requireNonNull(topic, "topic");
    if (topic.isBlank()) {
      throw new IllegalArgumentException("topic: '" + topic + "' (expected: a topic)");
    }
    return topic;
  }

  @Override
  public long undecodableMessages() {
    return subscribers.undecodable();
  }

  private synchronized void add(String handlerName, Object handler) {
    Map<String, HandlerMethod> next = new HashMap<>(handlers);
    for (HandlerMethod m : HandlerExtractor.extract(handlerName, handler)) {
      if (next.putIfAbsent(m.endpoint(), m) != null) {
        throw new IllegalArgumentException("endpoint " + m.endpoint() + " of "
            + handler.getClass().getName() + ": already served (expected: one handler per name)");
      }
    }
    handlers = Map.copyOf(next);
  }

  @Override
  public synchronized void start() {
    if (state != State.NEW) {
      throw new IllegalStateException("server " + name + ": " + state.name().toLowerCase()
          + " (expected: a new server; build another to start again)");
    }
    if (!subscribers.isEmpty() && broker == null) {
      throw new IllegalStateException("server " + name
          + ": subscribers but no broker (expected: Server.Builder.broker)");
    }
    ExecutionMode resolved = HandlerExecutors.resolve(mode);
    ExecutorService exec = HandlerExecutors.create(resolved, name);
    Router router = new Router(name, () -> handlers, codecs, wrappers, maxMessageSize, debug);
    try {
      listener = transport.listen(address, new Dispatcher(name, router, exec, inFlight));
    } catch (RuntimeException e) {
      if (exec != null) {
        exec.shutdownNow();
      }
      throw e;
    }
    executor = exec;
    boundAddress = listener.address();
    registeredAddress = Addresses.registered(advertise, boundAddress);
    state = State.RUNNING;
    LOG.info("server {} listening on {} (transport {}, execution {})", name, boundAddress,
        transport.name(), resolved.name().toLowerCase());
    if (registry != null) {
      registrar = new Registrar(registry, this::registration, ttl, interval);
      registrar.start();
    }
    if (broker != null && !subscribers.isEmpty()) {
      try {
        subscribers.start(broker);
      } catch (RuntimeException e) {
        stop();
        throw e;
      }
    }
  }

  @Override
  public synchronized void stop() {
    if (state != State.RUNNING) {
      if (state == State.NEW && ownsTransport) {
        transport.close();
      }
      state = State.STOPPED;
      return;
    }
    state = State.STOPPED;
    if (registrar != null) {
      registrar.close();
    }
    subscribers.stop();
    health.stopping();
    Listener l = java.util.Objects.requireNonNull(listener);
    l.stopAccepting();
    try {
      if (!inFlight.awaitDrained(grace)) {
        LOG.warn("server {}: {} calls still in flight after the grace period of {}; closing", name,
            inFlight.count(), grace);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    l.close();
    if (executor != null) {
      executor.shutdown();
      try {
        executor.awaitTermination(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      executor.shutdownNow();
    }
    if (ownsTransport) {
      transport.close();
    }
    LOG.info("server {} stopped", name);
  }

  @Override
  public void close() {
    stop();
  }

  /** The registration of this node: endpoints (sorted, without Debug) and node metadata. */
  Service registration() {
    Map<String, String> md = new LinkedHashMap<>(metadata);
    md.put("transport", transport.name());
    if (registry != null) {
      md.put("registry", registry.name());
    }
    if (broker != null) {
      md.put("broker", broker.name());
    }
    md.put("server", "mucp");
    md.put("protocol", "mucp");
    Node node = new Node(nodeId, registeredAddress, md);
    return new Service(name, version, Map.of(), endpoints(), List.of(node));
  }

  @Override
  public String address() {
    return boundAddress;
  }

  @Override
  public String advertisedAddress() {
    return registeredAddress;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String version() {
    return version;
  }

  @Override
  public String id() {
    return nodeId;
  }

  @Override
  public List<Endpoint> endpoints() {
    return java.util.stream.Stream.concat(
            handlers.values().stream()
                .filter(m -> !m.endpoint().startsWith(DEBUG + ".") && !m.endpoint().startsWith(HEALTH + ".")
                    && !m.endpoint().startsWith(REFLECTION + "."))
                .map(HandlerMethod::schema),
            subscribers.endpoints().stream())
        .sorted(java.util.Comparator.comparing(Endpoint::name))
        .toList();
  }

  /** The names of every endpoint served, built-ins included. */
  Set<String> served() {
    return handlers.keySet();
  }

  @Override
  public String toString() {
    return "MucpServer[" + nodeId + " at " + boundAddress + "]";
  }
}
