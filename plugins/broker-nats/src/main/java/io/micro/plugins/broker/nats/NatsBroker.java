package io.micro.plugins.broker.nats;

import io.micro.broker.Broker;
import io.micro.broker.Event;
import io.micro.broker.EventHandler;
import io.micro.broker.SubscribeOptions;
import io.micro.broker.Subscription;
import io.micro.broker.spi.GoMicroMessage;
import io.micro.errors.MicroException;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Broker} on NATS (go-micro's {@code nats} broker), in one of two modes.
 *
 * <p><b>Core NATS</b> (the default, what go-micro does): the subject is the topic, the payload is
 * go-micro's broker message JSON {@code {"Header":{...},"Body":"<base64>"}}, a queue group is a NATS
 * queue group. Go publishers and subscribers on the same server see our events and we see theirs.
 * At most once: a failing handler is logged, not redelivered ({@link #durable()} is false).
 *
 * <p><b>JetStream</b> ({@link Builder#jetStream(boolean)}, or {@code ?jetstream=true} on
 * {@code --broker_address}): the same subjects and payloads, but stored in a stream that covers the
 * topic (an existing stream whose subjects include the topic, else a stream {@code MICRO_<topic>}
 * created on first use), consumed by a durable consumer per queue group (an ephemeral one per plain
 * subscriber) with explicit acknowledgement after the handler returned. A handler that throws or
 * nacks gets the event again up to {@link SubscribeOptions#maxRedeliveries()}, then it goes to the
 * dead-letter topic. One subscriber gets the events of a topic in publish order (until a
 * redelivery). Go core-NATS subscribers still receive every event (JetStream publishes on the
 * subject), and events Go publishes on the subject are stored and delivered.
 *
 * <pre>{@code
 * NatsBroker broker = NatsBroker.builder().addresses("nats://127.0.0.1:4222").jetStream(true).build();
 * broker.connect();
 * broker.subscribe("orders", d -> handle(d.event()), SubscribeOptions.builder().queue("billing").build());
 * broker.publish("orders", Event.of(Map.of("Content-Type", "application/json"), json));
 * broker.close();
 * }</pre>
 *
 * <p><b>Connection loss</b>: jnats reconnects forever with exponential backoff
 * ({@link Builder#reconnectWait}..{@link Builder#maxReconnectWait}, with jitter) and restores every
 * subscription. While it is away, core publishes are buffered (up to
 * {@link Builder#reconnectBufferSize}) and flushed on reconnect, and fail with a 503 once the buffer
 * is full; JetStream publishes wait for the server's acknowledgement and fail with a 503 when it does
 * not come in time. Thread-safe.
 */
public final class NatsBroker implements Broker {
  static final String ERROR_ID = "go.micro.broker";
  private static final Logger LOG = LoggerFactory.getLogger(NatsBroker.class);

  private final Settings settings;
  private final Object lock = new Object();
  private final Set<Subscription> subscriptions = ConcurrentHashMap.newKeySet();
  private final AtomicLong undecodable = new AtomicLong();
  private final AtomicBoolean down = new AtomicBoolean();
  private volatile @Nullable Connection connection;
  private volatile @Nullable JetStreamMode jetStream;
  private volatile boolean closed;

  private NatsBroker(Settings settings) {
    this.settings = settings;
  }

  /** A builder: {@code nats://127.0.0.1:4222}, core NATS, 4 MiB bodies. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return "nats";
  }

  /** The server URLs, comma-separated, any password in them masked. */
  @Override
  public String address() {
    return String.join(",", settings.servers()).replaceAll("://[^/@,]*@", "://***@");
  }

  /** True in JetStream mode. */
  @Override
  public boolean durable() {
    return settings.jetStream();
  }

  /** How many messages could not be read as go-micro broker messages (logged, then dropped). */
  public long undecodable() {
    return undecodable.get();
  }

  @Override
  public void connect() {
    connected();
  }

  @Override
  public void publish(String topic, Event event) {
    byte[] data = prepare(topic, event);
    Connection c = connected();
    checkPayload(c, topic, event, data);
    JetStreamMode js = jetStream;
    try {
      if (js != null) {
        js.publish(topic, event, data);
      } else {
        c.publish(topic, data);
      }
    } catch (MicroException e) {
      throw e;
    } catch (IllegalStateException e) {
      throw unavailable("cannot publish event " + event.id() + " on topic " + topic, e);
    }
  }

  @Override
  public CompletableFuture<Void> publishAsync(String topic, Event event) {
    JetStreamMode js;
    byte[] data;
    try {
      data = prepare(topic, event);
      checkPayload(connected(), topic, event, data);
      js = jetStream;
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (js == null) {
      return Broker.super.publishAsync(topic, event);
    }
    return js.publishAsync(topic, event, data);
  }

  @Override
  public Subscription subscribe(String topic, EventHandler handler, SubscribeOptions options) {
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(options, "options");
    checkTopic(topic, false);
    Connection c = connected();
    JetStreamMode js = jetStream;
    Subscription s;
    if (js != null) {
      if (topic.contains("*") || topic.contains(">")) {
        throw new IllegalArgumentException("topic " + topic + ": wildcards are not supported in "
            + "JetStream mode (expected: a literal subject)");
      }
      s = js.subscribe(topic, handler, options);
    } else {
      s = new CoreSubscription(this, c, topic, handler, options);
    }
    subscriptions.add(s);
    if (closed) { // closed while subscribing: do not leak it
      s.unsubscribe();
      throw new IllegalStateException("broker nats is closed");
    }
    return s;
  }

  @Override
  public void close() {
    Connection c;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      c = connection;
    }
    for (Subscription s : List.copyOf(subscriptions)) {
      try {
        s.unsubscribe();
      } catch (RuntimeException e) {
        LOG.warn("broker nats: closing the subscription of topic {}: {}", s.topic(), e.toString());
      }
    }
    if (c == null) {
      return;
    }
    if (c.getStatus() == Connection.Status.CONNECTED) {
      try {
        c.flush(Duration.ofSeconds(2)); // what publish() wrote is on its way before we hang up
      } catch (TimeoutException | RuntimeException e) {
        LOG.warn("broker nats: closing without confirmation that every published event reached {}: {}",
            address(), e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } else if (!settings.jetStream()) {
      // (jnats holds its lock while reconnecting, so the buffered count cannot be read here)
      LOG.error("broker nats: closing while disconnected from {}: events published since the "
          + "connection was lost and still buffered are lost", address());
    }
    try {
      c.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "NatsBroker[" + address() + (settings.jetStream() ? ", jetstream" : "") + "]";
  }

  // ------------------------------------------------------------------------------ for subscriptions

  /** Waits until the server has processed everything sent so far (a PING/PONG); for tests. */
  void flush(Duration timeout) throws TimeoutException, InterruptedException {
    connected().flush(timeout);
  }

  void forget(Subscription s) {
    subscriptions.remove(s);
  }

  /**
   * Reads {@code m} as a broker message; null (logged with the topic and counted) when it is not
   * one, so the caller acknowledges it and moves on.
   */
  @Nullable Event decode(Message m) {
    try {
      return GoMicroMessage.decode(m.getData() == null ? new byte[0] : m.getData());
    } catch (MicroException e) {
      long n = undecodable.incrementAndGet();
      LOG.error("broker nats: undecodable message on topic {} ({} bytes), dropped ({} so far): {}",
          m.getSubject(), m.getData() == null ? 0 : m.getData().length, n, e.detail());
      return null;
    }
  }

  Settings settings() {
    return settings;
  }

  // ---------------------------------------------------------------------------------------- private

  private byte[] prepare(String topic, Event event) {
    checkTopic(topic, true);
    Objects.requireNonNull(event, "event");
    requireOpen();
    if (event.body().length > settings.maxMessageSize()) {
      throw MicroException.tooLarge(ERROR_ID, "broker nats: event %s on topic %s: %d bytes (expected: <= %d)",
          event.id(), topic, event.body().length, settings.maxMessageSize());
    }
    return GoMicroMessage.encode(event);
  }

  private static void checkPayload(Connection c, String topic, Event event, byte[] data) {
    long max = c.getMaxPayload();
    if (max > 0 && data.length > max) {
      throw MicroException.tooLarge(ERROR_ID, "broker nats: event %s on topic %s: %d bytes as a broker "
          + "message (expected: <= %d, the server's max_payload)", event.id(), topic, data.length, max);
    }
  }

  private Connection connected() {
    Connection c = connection;
    if (c != null && !closed) {
      return c;
    }
    synchronized (lock) {
      requireOpen();
      if (connection == null) {
        Connection fresh = open();
        if (settings.jetStream()) {
          jetStream = JetStreamMode.start(this, fresh);
        }
        connection = fresh;
      }
      return connection;
    }
  }

  private Connection open() {
    Options.Builder o = new Options.Builder()
        .servers(settings.servers().toArray(String[]::new))
        .connectionName(settings.connectionName())
        .connectionTimeout(settings.connectTimeout())
        .maxReconnects(-1)
        .reconnectWait(settings.reconnectWait())
        .reconnectDelayHandler(this::backoff)
        .reconnectBufferSize(settings.reconnectBufferSize())
        .connectionListener(this::connectionEvent)
        .errorListener(new Errors());
    settings.customizer().accept(o);
    try {
      return Nats.connect(o.build());
    } catch (IOException e) {
      throw unavailable("cannot connect to " + address(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable("interrupted while connecting to " + address(), e);
    }
  }

  /** Exponential backoff from reconnectWait up to maxReconnectWait, with up to 20 % jitter. */
  private Duration backoff(long round) {
    long base = settings.reconnectWait().toMillis();
    long max = settings.maxReconnectWait().toMillis();
    long wait = Math.min(max, base << Math.min(Math.max(round - 1, 0), 20));
    return Duration.ofMillis(wait + ThreadLocalRandom.current().nextLong(wait / 5 + 1));
  }

  private void connectionEvent(Connection c, ConnectionListener.Events event) {
    switch (event) {
      case DISCONNECTED -> {
        if (!closed && down.compareAndSet(false, true)) {
          LOG.warn("broker nats: disconnected from {}, reconnecting", address());
        }
      }
      case RECONNECTED -> {
        down.set(false);
        LOG.info("broker nats: reconnected to {}", c.getConnectedUrl());
        resumeStreams();
      }
      case RESUBSCRIBED -> LOG.info("broker nats: subscriptions restored on {}", c.getConnectedUrl());
      case LAME_DUCK -> LOG.warn("broker nats: server {} is shutting down (lame duck mode)", c.getConnectedUrl());
      default -> LOG.debug("broker nats: {}", event);
    }
  }

  /** JetStream pulls lost in a server restart are issued again, off jnats' callback thread. */
  private void resumeStreams() {
    List<StreamSubscription> streams = subscriptions.stream()
        .filter(StreamSubscription.class::isInstance).map(StreamSubscription.class::cast).toList();
    if (streams.isEmpty() || closed) {
      return;
    }
    Thread t = new Thread(() -> streams.forEach(StreamSubscription::resume), "micro-nats-resume");
    t.setDaemon(true);
    t.start();
  }

  static MicroException unavailable(String what, Throwable cause) {
    String why = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    return MicroException.of(ERROR_ID, 503, "broker nats: " + what + " (" + why + ")").withCause(cause);
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("broker nats is closed");
    }
  }

  private static void checkTopic(String topic, boolean publishing) {
    Objects.requireNonNull(topic, "topic");
    if (topic.isEmpty()) {
      throw new IllegalArgumentException("topic '' (expected: a NATS subject)");
    }
    for (int i = 0; i < topic.length(); i++) {
      char c = topic.charAt(i);
      if (Character.isWhitespace(c)) {
        throw new IllegalArgumentException("topic '" + topic + "' (expected: a NATS subject, no whitespace)");
      }
      if (publishing && (c == '*' || c == '>')) {
        throw new IllegalArgumentException("topic " + topic + ": wildcards cannot be published to");
      }
    }
  }

  /** Logs what jnats reports asynchronously. */
  private final class Errors implements ErrorListener {
    @Override
    public void errorOccurred(Connection conn, String error) {
      LOG.warn("broker nats: server {} reported: {}", address(), error);
    }

    @Override
    public void exceptionOccurred(Connection conn, Exception exp) {
      if (exp instanceof IOException) { // each failed reconnect attempt while the server is away
        LOG.debug("broker nats: {}", exp.toString());
      } else {
        LOG.warn("broker nats: {}", exp.toString());
      }
    }

    @Override
    public void slowConsumerDetected(Connection conn, io.nats.client.Consumer consumer) {
      LOG.error("broker nats: a subscriber is too slow, NATS drops its messages ({} dropped so far)",
          consumer.getDroppedCount());
    }
  }

  /** Everything a broker is built from. */
  record Settings(List<String> servers, boolean jetStream, String connectionName,
      Duration connectTimeout, Duration reconnectWait, Duration maxReconnectWait,
      long reconnectBufferSize, int maxMessageSize, Duration ackWait, Duration maxAge, int prefetch,
      boolean deduplicate, Consumer<Options.Builder> customizer) {}

  /**
   * Builds a {@link NatsBroker}. Not thread-safe.
   */
  public static final class Builder {
    private List<String> servers = List.of("nats://127.0.0.1:4222");
    private boolean jetStream;
    private String connectionName = "micro";
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration reconnectWait = Duration.ofMillis(100);
    private Duration maxReconnectWait = Duration.ofSeconds(5);
    private long reconnectBufferSize = 8L * 1024 * 1024;
    private int maxMessageSize = 4 * 1024 * 1024;
    private Duration ackWait = Duration.ofSeconds(30);
    private Duration maxAge = Duration.ofDays(1);
    private int prefetch = 128;
    private boolean deduplicate = true;
    private Consumer<Options.Builder> customizer = o -> { };

    private Builder() {}

    /**
     * The servers: {@code host:port} or {@code nats://}, {@code tls://} URLs (with
     * {@code user:password@} where the server wants it); default {@code nats://127.0.0.1:4222}.
     */
    public Builder addresses(String... addresses) {
      return addresses(Arrays.asList(addresses));
    }

    /** The servers, as {@link #addresses(String...)}. */
    public Builder addresses(List<String> addresses) {
      List<String> urls = new ArrayList<>();
      for (String a : addresses) {
        String s = Objects.requireNonNull(a, "address").strip();
        if (s.isEmpty()) {
          continue;
        }
        if (s.indexOf('?') >= 0) {
          throw new IllegalArgumentException("address " + s + ": query parameters are read by "
              + "NatsBrokerProvider only (expected: host:port or nats://host:port)");
        }
        urls.add(s.contains("://") ? s : "nats://" + s);
      }
      this.servers = urls.isEmpty() ? List.of("nats://127.0.0.1:4222") : List.copyOf(urls);
      return this;
    }

    /** JetStream durable mode (default false: core NATS, at most once). */
    public Builder jetStream(boolean jetStream) {
      this.jetStream = jetStream;
      return this;
    }

    /** The connection name the server shows in its monitoring (default {@code micro}). */
    public Builder connectionName(String name) {
      this.connectionName = Objects.requireNonNull(name, "name");
      return this;
    }

    /** How long one attempt to connect to one server may take (default 5 s). */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive("connectTimeout", timeout);
      return this;
    }

    /** The first wait between reconnect rounds, doubled each round (default 100 ms). */
    public Builder reconnectWait(Duration wait) {
      this.reconnectWait = positive("reconnectWait", wait);
      return this;
    }

    /** The longest wait between reconnect rounds (default 5 s). */
    public Builder maxReconnectWait(Duration wait) {
      this.maxReconnectWait = positive("maxReconnectWait", wait);
      return this;
    }

    /**
     * How many bytes of core publishes are kept while reconnecting, then sent (default 8 MiB);
     * publishing more fails with a 503. 0: publishes fail at once while disconnected.
     */
    public Builder reconnectBufferSize(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("reconnectBufferSize: " + bytes + " (expected: >= 0)");
      }
      this.reconnectBufferSize = bytes;
      return this;
    }

    /** The largest event body accepted, in bytes (default 4 MiB; the server's max_payload also applies). */
    public Builder maxMessageSize(int bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxMessageSize: " + bytes + " (expected: >= 1)");
      }
      this.maxMessageSize = bytes;
      return this;
    }

    /**
     * JetStream: how long the server waits for an acknowledgement before it delivers an event again
     * (default 30 s) — the redelivery delay of events held by a subscriber that died.
     */
    public Builder ackWait(Duration wait) {
      this.ackWait = positive("ackWait", wait);
      return this;
    }

    /** JetStream: how long streams the broker creates keep events (default 1 day). */
    public Builder maxAge(Duration age) {
      this.maxAge = positive("maxAge", age);
      return this;
    }

    /** JetStream: how many events a subscriber fetches ahead (default 128). */
    public Builder prefetch(int events) {
      if (events < 1) {
        throw new IllegalArgumentException("prefetch: " + events + " (expected: >= 1)");
      }
      this.prefetch = events;
      return this;
    }

    /**
     * JetStream: publish with {@code Nats-Msg-Id: <topic>/<Micro-ID>} so that the server stores an
     * event published twice (a retry) once within its duplicate window (default true).
     */
    public Builder deduplicate(boolean deduplicate) {
      this.deduplicate = deduplicate;
      return this;
    }

    /**
     * Adjusts jnats' connection options last (TLS with {@code sslContext}, credentials with
     * {@code authHandler}, {@code userInfo}, {@code token}, ...); runs on each {@link #build()}ed
     * broker's connect.
     */
    public Builder natsOptions(Consumer<Options.Builder> customizer) {
      this.customizer = Objects.requireNonNull(customizer, "customizer");
      return this;
    }

    /** The broker, not yet connected. */
    public NatsBroker build() {
      if (maxReconnectWait.compareTo(reconnectWait) < 0) {
        throw new IllegalArgumentException("maxReconnectWait: " + maxReconnectWait
            + " (expected: >= reconnectWait " + reconnectWait + ")");
      }
      return new NatsBroker(new Settings(servers, jetStream, connectionName, connectTimeout,
          reconnectWait, maxReconnectWait, reconnectBufferSize, maxMessageSize, ackWait, maxAge,
          prefetch, deduplicate, customizer));
    }

    private static Duration positive(String name, Duration d) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
      }
      return d;
    }
  }
}
