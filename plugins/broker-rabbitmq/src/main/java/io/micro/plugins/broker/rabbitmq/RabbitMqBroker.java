package io.micro.plugins.broker.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryDelayHandler;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.ShutdownSignalException;
import io.micro.broker.Broker;
import io.micro.broker.Event;
import io.micro.broker.EventHandler;
import io.micro.broker.SubscribeOptions;
import io.micro.broker.Subscription;
import io.micro.errors.MicroException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A broker on RabbitMQ, wire-compatible with go-micro's rabbitmq broker.
 *
 * <h2>On the wire</h2>
 * An event published on topic {@code t} is an AMQP message sent to the topic exchange
 * {@code micro} ({@link Builder#exchange}) with routing key {@code t}; its headers are the AMQP
 * headers (long strings) and its body the raw AMQP body, so a Go service using go-micro's rabbitmq
 * broker on the same exchange sees the same event. The exchange is declared as go-micro declares
 * it (non-durable unless {@link Builder#durableExchange}). Topics may use AMQP patterns when
 * subscribing ({@code orders.*}, {@code orders.#}).
 *
 * <h2>Subscriptions</h2>
 * A queue group ({@link SubscribeOptions#queue()}) is a queue of that name bound to the exchange
 * with the topic, shared by every member of the group in any process (Java or Go) — durable by
 * default, so it keeps events while no member runs ({@link Builder#durableQueues}), optionally a
 * quorum queue ({@link Builder#quorumQueues}). A plain subscriber gets an exclusive, server-named
 * queue of its own, deleted when it unsubscribes. Each subscription has its own channel whose
 * prefetch ({@link Builder#prefetch}) bounds the events in flight: the server sends no more until
 * handlers caught up.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>{@link #publish} returns only after the server confirmed the event (publisher confirms)
 *       and throws otherwise; events are persistent by default.</li>
 *   <li>An event is acknowledged only after its handler returned (or called {@code ack()}). A
 *       handler that throws or nacks gets it again with {@code attempt()} one higher, counted by
 *       the server on quorum queues ({@code x-delivery-count}) and by a header on the requeued copy
 *       otherwise; after {@link SubscribeOptions#maxRedeliveries()} it goes to the dead-letter
 *       topic (or is logged and dropped). Events of a subscriber that dies unacknowledged are
 *       redelivered by the server. At least once: handlers must tolerate duplicates.</li>
 *   <li>A lost connection is recovered automatically with backoff ({@link Builder#reconnectDelay}),
 *       with the exchange, queues, bindings and consumers; publishing while it is down fails with
 *       a 503 {@link MicroException} instead of losing the event.</li>
 * </ul>
 *
 * <pre>{@code
 * Broker broker = RabbitMqBroker.builder().addresses("amqp://guest:guest@10.0.0.5:5672/").build();
 * broker.connect();
 * broker.subscribe("orders", d -> bill(d.event().body()), SubscribeOptions.builder().queue("billing").build());
 * broker.publish("orders", Event.of(Map.of("Content-Type", "application/json"), json));
 * }</pre>
 *
 * <p>Thread-safe. Handlers run on the broker's threads (virtual threads on Java 21+), one at a time
 * per subscription.
 */
public final class RabbitMqBroker implements Broker {
  /** The id of the errors this broker throws. */
  static final String ERROR_ID = "go.micro.broker";
  private static final Logger LOG = LoggerFactory.getLogger(RabbitMqBroker.class);
  private static final String NAME = "rabbitmq";
  private static final int MAX_ROUTING_KEY = 255;

  private final Endpoints endpoints;
  private final Settings settings;
  private final Builder config;
  private final Set<RabbitSubscription> subscriptions = ConcurrentHashMap.newKeySet();
  private final AtomicLong undecodable = new AtomicLong();
  private final Object lock = new Object();
  private volatile @Nullable Connection connection;
  private volatile @Nullable Publisher publisher;
  private @Nullable ExecutorService handlers;
  private @Nullable ScheduledExecutorService retries;
  private volatile boolean closed;

  private RabbitMqBroker(Builder b) {
    this.config = b.copy();
    this.endpoints = Endpoints.parse(b.addresses);
    this.settings = new Settings(b.exchange, b.prefetch, b.durableQueues, b.quorumQueues, b.persistent,
        b.publishTimeout);
  }

  /**
   * A builder with go-micro's defaults: {@code 127.0.0.1:5672}, user {@code guest}, exchange
   * {@code micro} (topic, non-durable), durable queue groups, persistent events, prefetch 128.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns {@code rabbitmq}. */
  @Override
  public String name() {
    return NAME;
  }

  /** The configured nodes, {@code host:port[,host:port]}, without credentials. */
  @Override
  public String address() {
    return endpoints.display();
  }

  /** True: events are acknowledged after their handler returned and redelivered on failure. */
  @Override
  public boolean durable() {
    return true;
  }

  /**
   * Opens the connection, declares the exchange and the confirm channel. Idempotent.
   *
   * @throws MicroException (503) naming the broker and the address when RabbitMQ cannot be reached
   *     or refuses the login or the exchange
   * @throws IllegalStateException when closed
   */
  @Override
  public void connect() {
    if (connection != null) {
      requireOpen();
      return;
    }
    synchronized (lock) {
      requireOpen();
      if (connection != null) {
        return;
      }
      ExecutorService pool = HandlerThreads.create();
      Connection c;
      try {
        c = factory().newConnection(pool, endpoints.addresses(), "micro-" + NAME);
      } catch (IOException | TimeoutException | RuntimeException e) {
        pool.shutdown();
        throw MicroException.of(ERROR_ID, 503, "broker " + NAME + ": cannot connect to " + address() + " ("
            + reason(e) + ")").withCause(e);
      }
      try {
        declareExchange(c);
        publisher = new Publisher(c, NAME);
      } catch (IOException | TimeoutException | RuntimeException e) {
        abort(c);
        pool.shutdown();
        throw MicroException.of(ERROR_ID, 503, "broker " + NAME + ": cannot declare topic exchange "
            + settings.exchange() + " (durable=" + config.durableExchange + ") on " + address() + " ("
            + reason(e) + ")").withCause(e);
      }
      handlers = pool;
      retries = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
          HandlerThreads.daemon("micro-rabbitmq-resubscribe-"));
      connection = c;
      watch(c);
      LOG.debug("broker {}: connected to {}", NAME, address());
    }
  }

  /**
   * {@inheritDoc} Waits for the server's confirm, at most {@link Builder#publishTimeout}.
   *
   * @throws MicroException 413 when the body is larger than {@link Builder#maxMessageSize}, 400 for
   *     a topic RabbitMQ cannot route by, 503 when the event was not confirmed (connection down,
   *     refused, no confirm in time)
   */
  @Override
  public void publish(String topic, Event event) {
    CompletableFuture<Void> confirmed = send(topic, event);
    long timeout = settings.publishTimeout().toMillis();
    try {
      confirmed.get(timeout, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw failure(topic, e.getCause());
    } catch (TimeoutException e) {
      throw MicroException.of(ERROR_ID, 503, "broker " + NAME + ": event " + idOf(event) + " on topic " + topic
          + " not confirmed by " + address() + " within " + timeout + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw MicroException.of(ERROR_ID, 503, "broker " + NAME + ": interrupted while publishing event "
          + idOf(event) + " on topic " + topic);
    }
  }

  /**
   * {@inheritDoc} Publishes without waiting; the future completes (on a broker thread, never on
   * the connection's I/O thread) when the server confirmed the event, and fails with a
   * {@link MicroException} when it did not within {@link Builder#publishTimeout}. Many events in
   * flight at once are much faster than one {@link #publish} after another.
   */
  @Override
  public CompletableFuture<Void> publishAsync(String topic, Event event) {
    CompletableFuture<Void> confirmed;
    try {
      confirmed = send(topic, event);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    ExecutorService pool = handlers;
    long timeout = settings.publishTimeout().toMillis();
    CompletableFuture<Void> result = new CompletableFuture<>();
    confirmed.orTimeout(timeout, TimeUnit.MILLISECONDS).whenCompleteAsync((v, e) -> {
      if (e == null) {
        result.complete(null);
      } else if (unwrap(e) instanceof TimeoutException) {
        result.completeExceptionally(MicroException.of(ERROR_ID, 503, "broker " + NAME + ": event "
            + idOf(event) + " on topic " + topic + " not confirmed by " + address() + " within " + timeout + " ms"));
      } else {
        result.completeExceptionally(failure(topic, unwrap(e)));
      }
    }, pool != null && !pool.isShutdown() ? pool : Runnable::run);
    return result;
  }

  /**
   * {@inheritDoc} The topic is the binding key, so AMQP patterns work ({@code orders.*} matches
   * one word, {@code orders.#} any number).
   *
   * @throws MicroException (503) when the server refuses the queue or binding, e.g. a queue group
   *     that exists with other settings (durable or not, classic or quorum)
   */
  @Override
  public Subscription subscribe(String topic, EventHandler handler, SubscribeOptions options) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(options, "options");
    checkTopic(topic);
    connect();
    Connection c = Objects.requireNonNull(connection);
    RabbitSubscription s = new RabbitSubscription(this, settings, topic, handler, options);
    try {
      s.start(c);
    } catch (IOException | RuntimeException e) {
      String hint = options.hasQueue() ? " (a queue declared elsewhere with other settings? this broker declares "
          + "queue groups durable=" + (config.durableQueues || config.quorumQueues) + ", quorum=" + config.quorumQueues
          + "; go-micro's default is a non-durable auto-delete queue, its DurableQueue() option a durable one)" : "";
      throw MicroException.of(ERROR_ID, 503, "broker " + NAME + ": cannot subscribe to topic " + topic
          + (options.hasQueue() ? " with queue " + options.queue() : "") + " on " + address() + " (" + reason(e) + ")"
          + (reason(e).contains("PRECONDITION_FAILED") ? hint : "")).withCause(e);
    }
    subscriptions.add(s);
    if (closed) {
      s.unsubscribe();
      throw new IllegalStateException("broker " + NAME + ": closed (expected: an open broker)");
    }
    return s;
  }

  /**
   * How many messages arrived that could not be made into an event; each was logged and
   * acknowledged so that it cannot come back.
   */
  public long undecodableEvents() {
    return undecodable.get();
  }

  /**
   * {@inheritDoc} Cancels every consumer and closes the channels and the connection, waiting at
   * most a few seconds; events not yet acknowledged go back to their queues.
   */
  @Override
  public void close() {
    Connection c;
    Publisher p;
    ExecutorService pool;
    ScheduledExecutorService later;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      c = connection;
      p = publisher;
      pool = handlers;
      later = retries;
    }
    if (later != null) {
      later.shutdownNow();
    }
    for (RabbitSubscription s : List.copyOf(subscriptions)) {
      s.unsubscribe();
    }
    if (p != null) {
      p.close();
    }
    if (c != null) {
      try {
        c.close((int) Math.min(Integer.MAX_VALUE, config.connectTimeout.toMillis()));
      } catch (IOException | RuntimeException e) {
        abort(c);
      }
    }
    if (pool != null) {
      pool.shutdown();
    }
  }

  @Override
  public String toString() {
    return "RabbitMqBroker[" + address() + ", exchange " + settings.exchange() + ", " + subscriptions.size()
        + " subscriptions]";
  }

  // ------------------------------------------------------------------------------ for the package

  Settings settings() {
    return settings;
  }

  Publisher publisher() {
    Publisher p = publisher;
    if (p == null) {
      throw new IllegalStateException("broker " + NAME + ": not connected");
    }
    return p;
  }

  void forget(RabbitSubscription s) {
    subscriptions.remove(s);
  }

  void countUndecodable() {
    undecodable.incrementAndGet();
  }

  // ------------------------------------------------------------------------------------- private

  private CompletableFuture<Void> send(String topic, Event event) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(event, "event");
    checkTopic(topic);
    requireOpen();
    if (event.body().length > config.maxMessageSize) {
      throw MicroException.tooLarge(ERROR_ID, "event on topic %s: %d bytes (expected: <= %d)", topic,
          event.body().length, config.maxMessageSize);
    }
    connect();
    AMQP.BasicProperties props = Wire.properties(event, settings.persistent());
    return publisher().publish(settings.exchange(), topic, props, event.body());
  }

  private ConnectionFactory factory() {
    ConnectionFactory f = new ConnectionFactory();
    f.setUsername(Objects.requireNonNullElse(config.username, Objects.requireNonNullElse(endpoints.username(), "guest")));
    f.setPassword(Objects.requireNonNullElse(config.password, Objects.requireNonNullElse(endpoints.password(), "guest")));
    f.setVirtualHost(Objects.requireNonNullElse(config.virtualHost, Objects.requireNonNullElse(endpoints.virtualHost(), "/")));
    f.setConnectionTimeout(millis(config.connectTimeout));
    f.setHandshakeTimeout(millis(config.connectTimeout));
    f.setShutdownTimeout(millis(config.connectTimeout));
    f.setRequestedHeartbeat((int) Math.max(1, config.heartbeat.toSeconds()));
    f.setMaxInboundMessageBodySize(Math.max(64 << 20, config.maxMessageSize));
    f.setAutomaticRecoveryEnabled(true);
    // topology is restored by this broker (see onRecovered): amqp-client would re-declare each
    // queue on the channel that first declared it, which fails once that channel was closed
    f.setTopologyRecoveryEnabled(false);
    f.setRecoveryDelayHandler(backoff(config.reconnectMin, config.reconnectMax));
    f.setThreadFactory(HandlerThreads.daemon("micro-rabbitmq-io-"));
    if (config.sslContext != null || endpoints.tls()) {
      try {
        f.useSslProtocol(config.sslContext != null ? config.sslContext : SSLContext.getDefault());
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException("broker " + NAME + ": no default TLS context (" + e.getMessage() + ")", e);
      }
      f.enableHostnameVerification();
    }
    return f;
  }

  private void watch(Connection c) {
    c.addShutdownListener(cause -> {
      if (!cause.isInitiatedByApplication() && !closed) {
        LOG.warn("broker {}: connection to {} lost ({}), reconnecting", NAME, address(), cause.getMessage());
      }
    });
    if (c instanceof Recoverable r) {
      r.addRecoveryListener(new RecoveryListener() {
        @Override
        public void handleRecovery(Recoverable recoverable) {
          onRecovered(c);
        }

        @Override
        public void handleRecoveryStarted(Recoverable recoverable) {
          // logged by the shutdown listener
        }
      });
    }
  }

  /** The connection is back: declare the exchange again, then subscribe every subscription again. */
  private void onRecovered(Connection c) {
    if (closed) {
      return;
    }
    try {
      declareExchange(c);
    } catch (IOException | TimeoutException | RuntimeException e) {
      LOG.error("broker {}: reconnected to {} but cannot declare exchange {} ({}); subscriptions will retry",
          NAME, address(), settings.exchange(), reason(e));
    }
    int restored = 0;
    for (RabbitSubscription s : List.copyOf(subscriptions)) {
      if (restart(s, c)) {
        restored++;
      } else {
        restartLater(s);
      }
    }
    LOG.info("broker {}: reconnected to {}, {} of {} subscriptions restored", NAME, address(), restored,
        subscriptions.size());
  }

  /** Subscribes {@code s} again soon, and again with backoff until it works or goes away. */
  void restartLater(RabbitSubscription s) {
    scheduleRestart(s, config.reconnectMin);
  }

  private void scheduleRestart(RabbitSubscription s, Duration delay) {
    ScheduledExecutorService later = retries;
    if (later == null || closed || !s.active()) {
      return;
    }
    try {
      later.schedule(() -> {
        Connection c = connection;
        if (closed || !s.active() || c == null) {
          return;
        }
        if (!c.isOpen()) {
          return; // the connection recovery restarts it
        }
        if (!restart(s, c)) {
          Duration next = delay.multipliedBy(2);
          scheduleRestart(s, next.compareTo(config.reconnectMax) > 0 ? config.reconnectMax : next);
        }
      }, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException closing) {
      // the broker is closing
    }
  }

  private boolean restart(RabbitSubscription s, Connection c) {
    try {
      s.start(c);
      return true;
    } catch (IOException | RuntimeException e) {
      LOG.warn("broker {}: cannot subscribe to topic {} again on {} ({}), retrying", NAME, s.topic(), address(),
          reason(e));
      return false;
    }
  }

  private void declareExchange(Connection c) throws IOException, TimeoutException {
    try (Channel ch = c.createChannel()) {
      ch.exchangeDeclare(settings.exchange(), BuiltinExchangeType.TOPIC, config.durableExchange);
    }
  }

  private static RecoveryDelayHandler backoff(Duration min, Duration max) {
    List<Long> delays = new ArrayList<>();
    long d = Math.max(1, min.toMillis());
    long cap = Math.max(d, max.toMillis());
    while (d < cap) {
      delays.add(d);
      d *= 2;
    }
    delays.add(cap);
    return new RecoveryDelayHandler.ExponentialBackoffDelayHandler(delays);
  }

  private static void checkTopic(String topic) {
    int bytes = topic.getBytes(StandardCharsets.UTF_8).length;
    if (topic.isEmpty() || bytes > MAX_ROUTING_KEY) {
      throw MicroException.badRequest(ERROR_ID, "topic: '%s' (%d bytes) (expected: 1 to %d bytes, an AMQP routing key)",
          topic, bytes, MAX_ROUTING_KEY);
    }
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("broker " + NAME + ": closed (expected: an open broker)");
    }
  }

  private MicroException failure(String topic, @Nullable Throwable t) {
    if (t instanceof MicroException me) {
      return me;
    }
    return MicroException.of(ERROR_ID, 503, "broker " + NAME + ": cannot publish to topic " + topic + " on "
        + address() + " (" + reason(t) + ")");
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }

  /** The most useful words about a client failure: the server's reply text, else the root cause. */
  static String reason(@Nullable Throwable t) {
    if (t == null) {
      return "unknown";
    }
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ShutdownSignalException sse) {
        Object reason = sse.getReason();
        if (reason instanceof AMQP.Channel.Close cc) {
          return cc.getReplyText();
        }
        if (reason instanceof AMQP.Connection.Close cc) {
          return cc.getReplyText();
        }
        return sse.getMessage();
      }
    }
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = root.getMessage();
    return m == null ? root.getClass().getSimpleName() : root.getClass().getSimpleName() + ": " + m;
  }

  private static String idOf(Event event) {
    return event.id().isEmpty() ? "(no Micro-ID)" : event.id();
  }

  private static int millis(Duration d) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1, d.toMillis()));
  }

  private static void abort(Connection c) {
    try {
      c.abort(1000);
    } catch (RuntimeException ignored) {
      // best effort
    }
  }

  /** The settings subscriptions and deliveries need. */
  record Settings(String exchange, int prefetch, boolean durableQueues, boolean quorumQueues, boolean persistent,
      Duration publishTimeout) {}

  /** Configures a {@link RabbitMqBroker}. Not thread-safe. */
  public static final class Builder {
    private List<String> addresses = List.of();
    private @Nullable String username;
    private @Nullable String password;
    private @Nullable String virtualHost;
    private String exchange = "micro";
    private boolean durableExchange;
    private boolean durableQueues = true;
    private boolean quorumQueues;
    private boolean persistent = true;
    private int prefetch = 128;
    private int maxMessageSize = 4 * 1024 * 1024;
    private Duration publishTimeout = Duration.ofSeconds(10);
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration heartbeat = Duration.ofSeconds(10);
    private Duration reconnectMin = Duration.ofMillis(100);
    private Duration reconnectMax = Duration.ofSeconds(5);
    private @Nullable SSLContext sslContext;

    private Builder() {}

    /**
     * The RabbitMQ nodes: {@code host[:port]} (port 5672 by default) or go-micro's
     * {@code amqp://user:pass@host:port/vhost} (and {@code amqps://} for TLS); several are tried in
     * turn. Default {@code 127.0.0.1:5672}.
     */
    public Builder addresses(String... addresses) {
      return addresses(List.of(addresses));
    }

    /** Same as {@link #addresses(String...)}. */
    public Builder addresses(List<String> addresses) {
      this.addresses = List.copyOf(addresses);
      Endpoints.parse(this.addresses); // fail early, naming the bad one
      return this;
    }

    /** The user (default: from the URI, else {@code guest}). */
    public Builder username(String username) {
      this.username = Objects.requireNonNull(username, "username");
      return this;
    }

    /** The password (default: from the URI, else {@code guest}). */
    public Builder password(String password) {
      this.password = Objects.requireNonNull(password, "password");
      return this;
    }

    /** The virtual host (default: from the URI, else {@code /}). */
    public Builder virtualHost(String virtualHost) {
      this.virtualHost = Objects.requireNonNull(virtualHost, "virtualHost");
      return this;
    }

    /** The topic exchange events go through (default {@code micro}, as go-micro). */
    public Builder exchange(String exchange) {
      if (exchange.isBlank()) {
        throw new IllegalArgumentException("exchange: '' (expected: an exchange name)");
      }
      this.exchange = exchange;
      return this;
    }

    /**
     * Declare the exchange durable (default false, as go-micro without its DurableExchange()
     * option; both sides must agree or RabbitMQ refuses the second declaration).
     */
    public Builder durableExchange(boolean durable) {
      this.durableExchange = durable;
      return this;
    }

    /**
     * Declare queue-group queues durable, kept while no member runs (default true, like go-micro's
     * DurableQueue() option); false declares them non-durable and auto-deleted with their last
     * member, like go-micro's default.
     */
    public Builder durableQueues(boolean durable) {
      this.durableQueues = durable;
      return this;
    }

    /**
     * Declare queue-group queues as quorum queues (replicated; the server counts redeliveries).
     * Default false: classic queues.
     */
    public Builder quorumQueues(boolean quorum) {
      this.quorumQueues = quorum;
      return this;
    }

    /** Publish events persistent, so durable queues keep them across a restart (default true). */
    public Builder persistent(boolean persistent) {
      this.persistent = persistent;
      return this;
    }

    /** Unacknowledged events a subscription may hold (AMQP prefetch, default 128, 1..65535). */
    public Builder prefetch(int prefetch) {
      if (prefetch < 1 || prefetch > 65535) {
        throw new IllegalArgumentException("prefetch: " + prefetch + " (expected: 1..65535)");
      }
      this.prefetch = prefetch;
      return this;
    }

    /** The largest event body published, in bytes (default 4 MiB). */
    public Builder maxMessageSize(int bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxMessageSize: " + bytes + " (expected: >= 1)");
      }
      this.maxMessageSize = bytes;
      return this;
    }

    /** How long {@link #publish} waits for the server's confirm (default 10 s). */
    public Builder publishTimeout(Duration timeout) {
      this.publishTimeout = positive("publishTimeout", timeout);
      return this;
    }

    /** How long connecting and closing may take (default 5 s). */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive("connectTimeout", timeout);
      return this;
    }

    /** The AMQP heartbeat that detects a dead connection (default 10 s, as go-micro). */
    public Builder heartbeat(Duration heartbeat) {
      this.heartbeat = positive("heartbeat", heartbeat);
      return this;
    }

    /** The reconnect backoff: first delay, doubled up to {@code max} (default 100 ms to 5 s). */
    public Builder reconnectDelay(Duration min, Duration max) {
      this.reconnectMin = positive("reconnectDelay min", min);
      this.reconnectMax = positive("reconnectDelay max", max);
      if (max.compareTo(min) < 0) {
        throw new IllegalArgumentException("reconnectDelay: max " + max + " (expected: >= min " + min + ")");
      }
      return this;
    }

    /** Connect with TLS using this context (also implied by an {@code amqps://} address). */
    public Builder sslContext(SSLContext context) {
      this.sslContext = Objects.requireNonNull(context, "context");
      return this;
    }

    /** The broker, not yet connected. */
    public RabbitMqBroker build() {
      return new RabbitMqBroker(this);
    }

    private Builder copy() {
      Builder b = new Builder();
      b.addresses = addresses;
      b.username = username;
      b.password = password;
      b.virtualHost = virtualHost;
      b.exchange = exchange;
      b.durableExchange = durableExchange;
      b.durableQueues = durableQueues;
      b.quorumQueues = quorumQueues;
      b.persistent = persistent;
      b.prefetch = prefetch;
      b.maxMessageSize = maxMessageSize;
      b.publishTimeout = publishTimeout;
      b.connectTimeout = connectTimeout;
      b.heartbeat = heartbeat;
      b.reconnectMin = reconnectMin;
      b.reconnectMax = reconnectMax;
      b.sslContext = sslContext;
      return b;
    }

    private static Duration positive(String what, Duration d) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + ": " + d + " (expected: > 0)");
      }
      return d;
    }
  }
}
