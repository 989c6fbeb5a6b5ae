package io.micro.broker.http;

import io.micro.broker.Broker;
import io.micro.broker.Event;
import io.micro.broker.EventHandler;
import io.micro.broker.SubscribeOptions;
import io.micro.broker.Subscription;
import io.micro.broker.spi.BaseDelivery;
import io.micro.broker.spi.GoMicroMessage;
import io.micro.errors.MicroException;
import io.micro.registry.Node;
import io.micro.registry.Registry;
import io.micro.registry.Service;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * go-micro's HTTP broker, the zero-dependency default: every subscription is a node of the registry
 * service {@code micro.http.broker} and publishers POST events straight to the subscribers' brokers.
 * Wire-compatible with go-micro v4+ (a Go publisher reaches a Java subscriber and back).
 *
 * <ul>
 *   <li>{@link #connect()} listens on {@code 127.0.0.1:0} by default (loopback only: set an address
 *       such as {@code 0.0.0.0:0} for other machines); every path is served.</li>
 *   <li>A subscription registers node {@code <topic>-<uuid>} at the listening address, metadata
 *       {@code broker=http, secure=false, topic=<topic>}, in version {@code <queue>} or
 *       {@code ff.http.broadcast}; TTL 1 minute, registered again every 30 s, deregistered on
 *       unsubscribe and close.</li>
 *   <li>{@link #publish} sets {@code Micro-Topic} and POSTs {@code {"Header":{...},"Body":"<base64>"}}
 *       to {@code /?id=<node id>} of every broadcast node and of one random node per queue group,
 *       asynchronously. Connection failures and 5xx answers are retried with backoff (a queue group
 *       on another member); what still fails is reported to {@link Builder#onDeliveryFailure}
 *       (default: logged at ERROR with topic and event id) and counted in
 *       {@link #deliveryFailures()}; {@link #publishAsync} fails. With no subscriber the event goes
 *       nowhere, as in any pub/sub system without retention.</li>
 *   <li>Receiving: {@code POST} only (else 405), bodies up to the size limit (else 413), the topic from
 *       {@code Micro-Topic} (missing: 500 {@code Topic not found}, as go-micro), an unknown node id
 *       404 (go-micro drops those silently). The handler runs on a handler thread and the answer is
 *       200 when it succeeded, 500 with the error when it threw or nacked, so a Java publisher retries.</li>
 * </ul>
 *
 * <p>Not durable: an event is held only by the publisher, in memory, while it is being delivered.
 * Manual acknowledgement ({@link SubscribeOptions#autoAck()} false) is accepted: the answer is sent
 * when the handler returns, 500 if it nacked. Thread-safe.
 */
public final class HttpBroker implements Broker {
  private static final Logger LOG = LoggerFactory.getLogger(HttpBroker.class);
  /** The registry service subscribers register under. */
  public static final String SERVICE = "micro.http.broker";
  /** The version of plain (broadcast) subscribers. */
  public static final String BROADCAST = "ff.http.broadcast";
  static final Duration REGISTER_TTL = Duration.ofMinutes(1);

  private final String configuredAddress;
  private final @Nullable String advertise;
  private final @Nullable Registry registry;
  private final int maxMessageSize;
  private final Duration registerInterval;
  private final Builder settings;
  private final Map<String, HttpSubscription> subscriptions = new ConcurrentHashMap<>();
  private @Nullable BrokerServer server;
  private @Nullable Outbox outbox;
  private @Nullable SubscriberCache cache;
  private @Nullable ScheduledExecutorService timer;
  private @Nullable ExecutorService handlers;
  private @Nullable ExecutorService httpExecutor;
  private volatile String address;
  private volatile boolean closed;

  private HttpBroker(Builder b) {
    this.configuredAddress = b.address;
    this.advertise = b.advertise;
    this.registry = b.registry;
    this.maxMessageSize = b.maxMessageSize;
    this.registerInterval = b.registerInterval;
    this.settings = b;
    this.address = b.address;
  }

  /** A builder with the defaults: {@code 127.0.0.1:0}, 4 MiB events, no registry. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return "http";
  }

  /** The listening {@code host:port} once connected, else the configured address. */
  @Override
  public String address() {
    return address;
  }

  @Override
  public boolean durable() {
    return false;
  }

  /** Events given up on after their retries, since this broker was built. */
  public long deliveryFailures() {
    Outbox o = outbox;
    return o == null ? 0 : o.failures();
  }

  @Override
  public synchronized void connect() {
    requireOpen();
    if (server != null) {
      return;
    }
    InetSocketAddress bindTo = parse(configuredAddress);
    AtomicInteger n = new AtomicInteger();
    timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "micro-http-broker-timer"));
    handlers = handlerExecutor();
    httpExecutor = Executors.newCachedThreadPool(r -> daemon(r, "micro-http-broker-client-" + n.incrementAndGet()));
    try {
      server = BrokerServer.listen(bindTo, maxMessageSize + maxMessageSize / 3 + 64 * 1024, this::receive);
    } catch (RuntimeException e) {
      shutdownExecutors();
      throw e;
    }
    InetSocketAddress bound = server.address();
    address = host(bound.getAddress()) + ":" + bound.getPort();
    if (registry != null) {
      cache = new SubscriberCache(registry, settings.cacheTtl, timer);
      cache.watch();
      outbox = new Outbox(cache, httpExecutor, timer, settings.maxPending, settings.publishTimeout,
          settings.deliveryTimeout, settings.maxAttempts, settings.onFailure);
    }
    long every = registerInterval.toMillis();
    timer.scheduleAtFixedRate(this::reregister, every, every, TimeUnit.MILLISECONDS);
    LOG.info("Broker [http] Connected to {}", address);
  }

  @Override
  public void publish(String topic, Event event) {
    publishAsync(topic, event); // refusals throw here; delivery failures go to onDeliveryFailure
  }

  @Override
  public CompletableFuture<Void> publishAsync(String topic, Event event) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(event, "event");
    requireOpen();
    if (event.body().length > maxMessageSize) {
      throw MicroException.tooLarge(BrokerServer.ERROR_ID, "event on topic %s: %d bytes (expected: <= %d)",
          topic, event.body().length, maxMessageSize);
    }
    connect();
    Outbox o = requireRegistry(outbox);
    return o.publish(topic, event);
  }

  @Override
  public Subscription subscribe(String topic, EventHandler handler, SubscribeOptions options) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(options, "options");
    if (topic.isBlank()) {
      throw new IllegalArgumentException("topic: '' (expected: a topic)");
    }
    requireOpen();
    connect();
    Registry r = requireRegistry(registry);
    String nodeId = topic + "-" + UUID.randomUUID();
    Map<String, String> md = new LinkedHashMap<>();
    md.put("broker", "http");
    md.put("secure", "false");
    md.put("topic", topic);
    String registered = advertise != null ? advertise : address;
    Service svc = new Service(SERVICE, options.hasQueue() ? options.queue() : BROADCAST, Map.of(),
        List.of(), List.of(new Node(nodeId, registered, md)));
    HttpSubscription s = new HttpSubscription(this, nodeId, topic, handler, options, svc);
    subscriptions.put(nodeId, s);
    try {
      r.register(svc, REGISTER_TTL);
    } catch (RuntimeException e) {
      subscriptions.remove(nodeId);
      throw MicroException.of(BrokerServer.ERROR_ID, 503, "broker http: cannot register subscriber of topic "
          + topic + " in registry " + r.name() + " (" + e.getMessage() + ")").withCause(e);
    }
    if (cache != null) {
      cache.invalidate();
    }
    LOG.debug("broker http: subscribed {} to {} as {}", options.hasQueue() ? "queue " + options.queue() : "", topic, nodeId);
    return s;
  }

  void unsubscribe(HttpSubscription s) {
    if (s.closed) {
      return;
    }
    s.closed = true;
    Registry r = registry;
    if (r != null) {
      try {
        r.deregister(s.registration);
      } catch (RuntimeException e) {
        LOG.warn("broker http: deregistering {} from registry {} failed: {}", s.nodeId, r.name(), e.toString());
      }
    }
    subscriptions.remove(s.nodeId);
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    for (HttpSubscription s : List.copyOf(subscriptions.values())) {
      unsubscribe(s);
    }
    if (outbox != null) {
      outbox.close();
    }
    if (cache != null) {
      cache.close();
    }
    if (server != null) {
      server.close();
      LOG.info("Broker [http] Disconnected from {}", address);
    }
    shutdownExecutors();
  }

  // ------------------------------------------------------------------------------------ receiving

  private CompletableFuture<MicroException> receive(String id, byte[] body) {
    Event event;
    try {
      event = GoMicroMessage.decode(body);
    } catch (MicroException e) {
      return CompletableFuture.completedFuture(e);
    }
    String topic = event.header(Event.TOPIC);
    if (topic == null || topic.isEmpty()) {
      return CompletableFuture.completedFuture(MicroException.internalServerError(BrokerServer.ERROR_ID, "Topic not found"));
    }
    HttpSubscription s = subscriptions.get(id);
    if (s == null || s.closed || !s.topic.equals(topic)) {
      LOG.debug("broker http: event {} on topic {} for unknown subscriber '{}'", event.id(), topic, id);
      return CompletableFuture.completedFuture(MicroException.notFound(BrokerServer.ERROR_ID,
          "subscriber '%s' of topic %s: not on this broker (expected: a subscribed node id)", id, topic));
    }
    CompletableFuture<MicroException> answer = new CompletableFuture<>();
    ExecutorService exec = handlers;
    try {
      Objects.requireNonNull(exec).execute(() -> {
        if (s.closed) {
          answer.complete(MicroException.notFound(BrokerServer.ERROR_ID,
              "subscriber '%s' of topic %s: unsubscribed", id, topic));
          return;
        }
        Receipt d = new Receipt(this, topic, event, s.options);
        BaseDelivery.dispatch(s.handler, d);
        answer.complete(d.failed ? MicroException.internalServerError(BrokerServer.ERROR_ID,
            "subscriber of topic %s failed on event %s", topic, event.id()) : null);
      });
    } catch (RejectedExecutionException e) {
      answer.complete(MicroException.of(BrokerServer.ERROR_ID, 503, "broker http: too busy for event "
          + event.id() + " on topic " + topic));
    }
    return answer;
  }

  /** A delivery over HTTP: settling only decides the answer (200, or 500 to have it retried). */
  private static final class Receipt extends BaseDelivery {
    volatile boolean failed;

    Receipt(Broker broker, String topic, Event event, SubscribeOptions options) {
      super(broker, topic, event, 1, options);
    }

    @Override
    protected void onAck() {
      // answered 200 when the handler returns
    }

    @Override
    protected void onRedeliver() {
      failed = true;
    }
  }

  // -------------------------------------------------------------------------------------- helpers

  private void reregister() {
    Registry r = registry;
    if (r == null) {
      return;
    }
    for (HttpSubscription s : subscriptions.values()) {
      try {
        r.register(s.registration, REGISTER_TTL);
      } catch (RuntimeException e) {
        LOG.warn("broker http: registering {} again in registry {} failed: {}", s.nodeId, r.name(), e.toString());
      }
    }
  }

  private <T> T requireRegistry(@Nullable T part) {
    if (part == null) {
      throw new IllegalStateException("broker http: no registry (expected: a registry to find subscribers in, "
          + "see HttpBroker.Builder.registry)");
    }
    return part;
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("broker http: closed (expected: an open broker)");
    }
  }

  private void shutdownExecutors() {
    if (timer != null) {
      timer.shutdownNow();
    }
    if (handlers != null) {
      handlers.shutdown();
    }
    if (httpExecutor != null) {
      httpExecutor.shutdown();
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private static ExecutorService handlerExecutor() {
    if (Runtime.version().feature() >= 21) {
      try {
        return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
      } catch (ReflectiveOperationException e) {
        LOG.debug("broker http: no virtual threads ({}), using a pool", e.toString());
      }
    }
    AtomicInteger n = new AtomicInteger();
    int max = Math.max(16, Runtime.getRuntime().availableProcessors() * 8);
    ThreadPoolExecutor pool = new ThreadPoolExecutor(max, max, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(4096), r -> daemon(r, "micro-http-broker-handler-" + n.incrementAndGet()));
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  private static InetSocketAddress parse(String address) {
    int colon = address.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("broker_address: '" + address + "' (expected: host:port)");
    }
    String host = address.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(address.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("broker_address: '" + address + "' (expected: host:port)");
    }
    return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
  }

  /** The address to register for a bound host: itself, or for a wildcard a non-loopback IPv4. */
  private static String host(InetAddress bound) {
    if (!bound.isAnyLocalAddress()) {
      String h = bound.getHostAddress();
      return h.contains(":") ? "[" + h + "]" : h;
    }
    try {
      for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!ni.isUp() || ni.isLoopback()) {
          continue;
        }
        for (InetAddress a : Collections.list(ni.getInetAddresses())) {
          if (a instanceof Inet4Address && a.isSiteLocalAddress()) {
            return a.getHostAddress();
          }
        }
      }
    } catch (SocketException e) {
      LOG.debug("broker http: listing interfaces: {}", e.toString());
    }
    return "127.0.0.1";
  }

  @Override
  public String toString() {
    return "HttpBroker[" + address + ", " + subscriptions.size() + " subscriptions]";
  }

  /** Configures an {@link HttpBroker}. Not thread-safe. */
  public static final class Builder {
    private String address = "127.0.0.1:0";
    private @Nullable String advertise;
    private @Nullable Registry registry;
    private int maxMessageSize = 4 * 1024 * 1024;
    private Duration registerInterval = Duration.ofSeconds(30);
    private Duration cacheTtl = Duration.ofSeconds(5);
    private int maxPending = 1024;
    private Duration publishTimeout = Duration.ofSeconds(5);
    private Duration deliveryTimeout = Duration.ofSeconds(30);
    private int maxAttempts = 3;
    private Consumer<DeliveryFailure> onFailure = f -> LOG.error(
        "broker http: event {} on topic {} not delivered to {} at {} after {} attempts: {}",
        f.event().id().isEmpty() ? "(no Micro-ID)" : f.event().id(), f.topic(), f.nodeId(), f.address(),
        f.attempts(), Outbox.describe(f.cause()));

    private Builder() {}

    /** The {@code host:port} to listen on; default {@code 127.0.0.1:0}. */
    public Builder address(String address) {
      this.address = Objects.requireNonNull(address, "address").strip();
      parse(this.address);
      return this;
    }

    /** The {@code host:port} to register instead of the listening one (NAT, containers). */
    public Builder advertise(String advertise) {
      this.advertise = Objects.requireNonNull(advertise, "advertise");
      return this;
    }

    /** The registry to register subscribers in and find them; required. Not closed by the broker. */
    public Builder registry(Registry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** The largest event body accepted and sent; default 4 MiB. */
    public Builder maxMessageSize(int bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxMessageSize: " + bytes + " (expected: >= 1)");
      }
      this.maxMessageSize = bytes;
      return this;
    }

    /** How often subscriptions are registered again (TTL 1 minute); default 30 s. */
    public Builder registerInterval(Duration every) {
      this.registerInterval = positive(every, "registerInterval");
      return this;
    }

    /** How long the subscriber list read from the registry is used before it is read again; default 5 s. */
    public Builder cacheTtl(Duration ttl) {
      this.cacheTtl = positive(ttl, "cacheTtl");
      return this;
    }

    /** Events being delivered at once, retries included; default 1024. */
    public Builder maxPending(int events) {
      if (events < 1) {
        throw new IllegalArgumentException("maxPending: " + events + " (expected: >= 1)");
      }
      this.maxPending = events;
      return this;
    }

    /** How long a publish waits for room among the pending events before failing; default 5 s. */
    public Builder publishTimeout(Duration timeout) {
      this.publishTimeout = positive(timeout, "publishTimeout");
      return this;
    }

    /** How long one delivery (the subscriber's handler included) may take; default 30 s. */
    public Builder deliveryTimeout(Duration timeout) {
      this.deliveryTimeout = positive(timeout, "deliveryTimeout");
      return this;
    }

    /** Delivery attempts per target before giving up; default 3. */
    public Builder maxAttempts(int attempts) {
      if (attempts < 1) {
        throw new IllegalArgumentException("maxAttempts: " + attempts + " (expected: >= 1)");
      }
      this.maxAttempts = attempts;
      return this;
    }

    /** Told of every event given up on; default logs it at ERROR. Runs on a client thread. */
    public Builder onDeliveryFailure(Consumer<DeliveryFailure> handler) {
      this.onFailure = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /** The broker, not connected. */
    public HttpBroker build() {
      return new HttpBroker(this);
    }

    private static Duration positive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + ": " + d + " (expected: > 0)");
      }
      return d;
    }
  }
}
