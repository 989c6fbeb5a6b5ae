package io.micro.plugins.broker.mqtt;

import io.micro.broker.Broker;
import io.micro.broker.Event;
import io.micro.broker.EventHandler;
import io.micro.broker.SubscribeOptions;
import io.micro.broker.Subscription;
import io.micro.broker.spi.GoMicroMessage;
import io.micro.errors.MicroException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.SocketFactory;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code mqtt} broker: go-micro's broker messages over an MQTT 3.1.1 server at QoS 1, with
 * Eclipse Paho.
 *
 * <pre>{@code
 * Broker broker = MqttBroker.builder().addresses("127.0.0.1:1883").clientId("billing-1").build();
 * broker.subscribe("orders", d -> bill(d.event()), SubscribeOptions.builder().queue("billing").build());
 * broker.publish("orders", Event.of(Map.of("Content-Type", "application/json"), json));
 * }</pre>
 *
 * <h2>On the wire</h2>
 * The MQTT topic is the go-micro topic, unchanged ({@code +}, {@code #} and a leading {@code $} are
 * refused with a 400); the payload is go-micro's broker message JSON
 * {@code {"Header":{...},"Body":"<base64>"}}, as go-micro's {@code broker/mqtt} plugin sends it, so
 * Go and Java services exchange events. Queue groups are shared subscriptions
 * {@code $share/<group>/<topic>} (go-micro's plugin ignores queues: a Go subscriber is always a
 * plain subscriber).
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>{@link #publish} returns once the server acknowledged the message (PUBACK). While the
 *       connection is down it waits for the reconnect up to {@link Builder#publishTimeout}, then
 *       fails with a 503; a publish whose connection dropped before the PUBACK is sent again
 *       (at-least-once: a duplicate is possible, a silent loss is not).</li>
 *   <li>A subscriber acknowledges a message only after its handler returned. A handler that throws
 *       (or nacks) gets the event again, up to {@link SubscribeOptions#maxRedeliveries()}, then it
 *       goes to the dead-letter topic: a queue group's event is republished to the group's
 *       redelivery topic ({@code <prefix>/<group>/<topic>}, any member may get it) before the
 *       original is acknowledged; a plain subscriber's is handed to the same handler again.
 *       Closing a queue-group subscription hands what it has not handled back to the group.</li>
 *   <li>What MQTT cannot do: it keeps no messages for a topic or queue group that has no
 *       subscriber at the moment of publishing (they are dropped by the server); with the default
 *       clean sessions, what was in flight to a subscriber whose connection dropped is lost; with
 *       persistent sessions ({@link Builder#clientId}) it is redelivered when that client id
 *       reconnects, but until then the server keeps assigning the member its share of a queue
 *       group. See the module README.</li>
 * </ul>
 *
 * <h2>Connections and threads</h2>
 * One connection publishes; each subscription has a connection of its own (MQTT 3.1.1 cannot tell
 * which of a client's subscriptions a message matched, and acknowledgements are per connection) and
 * one dispatcher thread: a subscription's handler is called for one event at a time, in arrival
 * order. Lost connections are reconnected with exponential backoff and subscriptions restored.
 * Thread-safe.
 */
public final class MqttBroker implements Broker {
  private static final Logger LOG = LoggerFactory.getLogger(MqttBroker.class);
  private static final int DEFAULT_PORT = 1883;

  private final String[] uris;
  private final String baseClientId;
  private final boolean persistentSessions;
  private final @Nullable String username;
  private final char @Nullable [] password;
  private final @Nullable SocketFactory socketFactory;
  private final Duration connectTimeout;
  private final Duration publishTimeout;
  private final Duration closeTimeout;
  private final Duration keepAlive;
  private final Duration maxReconnectDelay;
  private final int maxMessageSize;
  private final int maxInflight;
  private final String redeliveryPrefix;
  private final Set<MqttSubscription> subscriptions = ConcurrentHashMap.newKeySet();
  private final Set<String> clientIds = new HashSet<>();
  private final AtomicLong undecodable = new AtomicLong();
  private volatile @Nullable ScheduledExecutorService scheduler;
  private volatile @Nullable MqttConnection publisher;
  private volatile boolean closed;

  private MqttBroker(Builder b) {
    List<String> addresses = b.addresses.isEmpty() ? List.of("127.0.0.1:" + DEFAULT_PORT) : b.addresses;
    this.uris = addresses.stream().map(MqttBroker::uri).toArray(String[]::new);
    this.persistentSessions = b.persistentSessions != null ? b.persistentSessions : b.clientId != null;
    this.baseClientId = b.clientId != null ? b.clientId : "micro-" + UUID.randomUUID().toString().substring(0, 13);
    this.username = b.username;
    this.password = b.password;
    this.socketFactory = b.socketFactory;
    this.connectTimeout = b.connectTimeout;
    this.publishTimeout = b.publishTimeout;
    this.closeTimeout = b.closeTimeout;
    this.keepAlive = b.keepAlive;
    this.maxReconnectDelay = b.maxReconnectDelay;
    this.maxMessageSize = b.maxMessageSize;
    this.maxInflight = b.maxInflight;
    this.redeliveryPrefix = b.redeliveryPrefix;
  }

  /** A builder: {@code 127.0.0.1:1883}, clean sessions with a random client id, 4 MiB events. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return "mqtt";
  }

  /** The server URIs, comma-separated, e.g. {@code tcp://127.0.0.1:1883}. */
  @Override
  public String address() {
    return String.join(",", uris);
  }

  /**
   * True with persistent sessions ({@link Builder#clientId} set): then the server also keeps and
   * redelivers what a subscriber that died had not acknowledged, once it reconnects with its client
   * id. Failed handlers are redelivered either way (see the class comment).
   */
  @Override
  public boolean durable() {
    return persistentSessions;
  }

  /** How many received messages could not be decoded as a broker message (logged, acknowledged, dropped). */
  public long undecodable() {
    return undecodable.get();
  }

  @Override
  public synchronized void connect() {
    requireOpen();
    if (publisher != null) {
      return;
    }
    if (scheduler == null) {
      ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "mqtt-broker-" + baseClientId);
        t.setDaemon(true);
        return t;
      });
      s.setRemoveOnCancelPolicy(true);
      scheduler = Executors.unconfigurableScheduledExecutorService(s);
    }
    MqttConnection c = new MqttConnection(uris, claimClientId(baseClientId + "-pub"), options(true), scheduler,
        maxReconnectDelay, null, () -> { });
    try {
      c.connect(connectTimeout);
    } catch (RuntimeException e) {
      releaseClientId(c.clientId());
      throw e;
    }
    publisher = c;
    LOG.debug("broker mqtt: connected to {} as {}", address(), c.clientId());
  }

  @Override
  public void publish(String topic, Event event) {
    byte[] payload = prepare(topic, event);
    publishPayload(topic, payload, System.nanoTime() + publishTimeout.toNanos());
  }

  /**
   * Publishes without blocking: the future completes when the server acknowledged the message, or
   * fails with a {@link MicroException} (503 when the connection is lost and not restored within
   * the publish timeout). It completes on a Paho or broker thread: do not block in its stages.
   */
  @Override
  public CompletableFuture<Void> publishAsync(String topic, Event event) {
    byte[] payload;
    try {
      payload = prepare(topic, event);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Void> f = new CompletableFuture<>();
    sendAsync(topic, payload, System.nanoTime() + publishTimeout.toNanos(), f, null);
    return f;
  }

  @Override
  public Subscription subscribe(String topic, EventHandler handler, SubscribeOptions options) {
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(options, "options");
    requireOpen();
    Topics.checkTopic(Objects.requireNonNull(topic, "topic"));
    Topics.checkQueue(options.queue());
    connect();
    MqttSubscription s = new MqttSubscription(this, topic, handler, options);
    try {
      s.start(connectTimeout);
    } catch (RuntimeException e) {
      releaseClientId(s.clientId());
      throw e;
    }
    subscriptions.add(s);
    if (closed) {
      s.unsubscribe();
      requireOpen();
    }
    return s;
  }

  /**
   * Unsubscribes everything (a queue group's unhandled events are handed back to the group), then
   * disconnects. Idempotent; waits at most about the close timeout.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    List<MqttSubscription> all = new ArrayList<>(subscriptions);
    for (MqttSubscription s : all) {
      s.beginClose();
    }
    for (MqttSubscription s : all) {
      s.awaitClosed();
    }
    MqttConnection p = publisher;
    if (p != null) {
      p.close(closeTimeout);
    }
    synchronized (this) {
      if (scheduler != null) {
        scheduler.shutdownNow();
      }
    }
  }

  @Override
  public String toString() {
    return "MqttBroker[" + address() + ", " + subscriptions.size() + " subscriptions]";
  }

  // ------------------------------------------------------------------------------ for subscriptions

  Duration publishTimeout() {
    return publishTimeout;
  }

  Duration closeTimeout() {
    return closeTimeout;
  }

  String redeliveryPrefix() {
    return redeliveryPrefix;
  }

  /** A connection for a subscription to {@code topic} in {@code queue}, with a client id of its own. */
  MqttConnection openConnection(String topic, String queue, MqttConnection.Inbox inbox, Runnable onReconnect) {
    String id = claimClientId(baseClientId + "-" + Integer.toHexString((queue + '\u0000' + topic).hashCode()));
    ScheduledExecutorService s;
    synchronized (this) {
      s = Objects.requireNonNull(scheduler, "scheduler");
    }
    return new MqttConnection(uris, id, options(!persistentSessions), s, maxReconnectDelay, inbox, onReconnect);
  }

  void removed(MqttSubscription s) {
    subscriptions.remove(s);
    releaseClientId(s.clientId());
  }

  void undecodable(String topic, MicroException e) {
    long n = undecodable.incrementAndGet();
    LOG.warn("broker mqtt: undecodable message on topic {} acknowledged and dropped ({} so far): {}",
        topic, n, e.detail());
  }

  /**
   * Publishes an encoded payload, waiting for the PUBACK; while the connection is down, waits for
   * the reconnect and sends again, until {@code deadline} ({@link System#nanoTime()}).
   *
   * @throws MicroException (503) when not acknowledged by the deadline
   */
  void publishPayload(String topic, byte[] payload, long deadline) {
    Throwable last = null;
    while (true) {
      requireOpenOrClosing();
      MqttConnection c = publisher;
      if (c == null) {
        connect();
        c = Objects.requireNonNull(publisher);
      }
      if (c.awaitConnected(deadline)) {
        try {
          long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
          c.client().publish(topic, payload, 1, false).waitForCompletion(Math.max(1, left));
          return;
        } catch (MqttException e) {
          last = e;
          if (!retriable(e)) {
            throw notAcknowledged(topic, e);
          }
          if (e.getReasonCode() == MqttException.REASON_CODE_MAX_INFLIGHT) {
            sleep(1);
          }
        }
      }
      if (System.nanoTime() - deadline > 0) {
        throw notAcknowledged(topic, last);
      }
    }
  }

  // -------------------------------------------------------------------------------------- helpers

  private byte[] prepare(String topic, Event event) {
    Objects.requireNonNull(event, "event");
    requireOpen();
    Topics.checkTopic(Objects.requireNonNull(topic, "topic"));
    if (event.body().length > maxMessageSize) {
      throw MicroException.tooLarge(Topics.ERROR_ID, "broker mqtt: event on topic %s: %d bytes (expected: <= %d)",
          topic, event.body().length, maxMessageSize);
    }
    connect();
    return GoMicroMessage.encode(event);
  }

  private void sendAsync(String topic, byte[] payload, long deadline, CompletableFuture<Void> f,
      @Nullable Throwable last) {
    if (f.isDone()) {
      return;
    }
    if (closed && publisher == null) {
      f.completeExceptionally(new IllegalStateException("broker mqtt: closed (expected: an open broker)"));
      return;
    }
    if (System.nanoTime() - deadline > 0) {
      f.completeExceptionally(notAcknowledged(topic, last));
      return;
    }
    MqttConnection c = publisher;
    if (c == null || !c.isConnected()) {
      later(() -> sendAsync(topic, payload, deadline, f, last), 20, f);
      return;
    }
    try {
      c.client().publish(topic, payload, 1, false, null, new IMqttActionListener() {
        @Override
        public void onSuccess(IMqttToken token) {
          f.complete(null);
        }

        @Override
        public void onFailure(IMqttToken token, Throwable e) {
          if (retriable(e)) {
            later(() -> sendAsync(topic, payload, deadline, f, e), 20, f);
          } else {
            f.completeExceptionally(notAcknowledged(topic, e));
          }
        }
      });
    } catch (MqttException e) {
      if (retriable(e)) {
        later(() -> sendAsync(topic, payload, deadline, f, e),
            e.getReasonCode() == MqttException.REASON_CODE_MAX_INFLIGHT ? 1 : 20, f);
      } else {
        f.completeExceptionally(notAcknowledged(topic, e));
      }
    }
  }

  private void later(Runnable r, long millis, CompletableFuture<Void> f) {
    ScheduledExecutorService s = scheduler;
    try {
      Objects.requireNonNull(s, "scheduler").schedule(r, millis, TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      f.completeExceptionally(new IllegalStateException("broker mqtt: closed (expected: an open broker)"));
    }
  }

  private static boolean retriable(Throwable e) {
    if (!(e instanceof MqttException m)) {
      return false;
    }
    int code = m.getReasonCode();
    return code == MqttException.REASON_CODE_CLIENT_NOT_CONNECTED
        || code == MqttException.REASON_CODE_CONNECTION_LOST
        || code == MqttException.REASON_CODE_CLIENT_DISCONNECTING
        || code == MqttException.REASON_CODE_MAX_INFLIGHT;
  }

  private MicroException notAcknowledged(String topic, @Nullable Throwable last) {
    MicroException e = MicroException.of(Topics.ERROR_ID, 503, "broker mqtt: publishing to topic " + topic
        + " on " + address() + " failed: not acknowledged within " + publishTimeout.toMillis() + " ms"
        + (last == null ? " (not connected)" : " (" + MqttConnection.describe(last) + ")"));
    return last == null ? e : e.withCause(last);
  }

  private MqttConnectOptions options(boolean cleanSession) {
    MqttConnectOptions o = new MqttConnectOptions();
    o.setServerURIs(uris);
    o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
    o.setCleanSession(cleanSession);
    o.setAutomaticReconnect(false);
    o.setConnectionTimeout((int) Math.max(1, (connectTimeout.toMillis() + 999) / 1000));
    o.setKeepAliveInterval((int) Math.max(1, keepAlive.toSeconds()));
    o.setMaxInflight(maxInflight);
    if (username != null) {
      o.setUserName(username);
    }
    if (password != null) {
      o.setPassword(password.clone());
    }
    if (socketFactory != null) {
      o.setSocketFactory(socketFactory);
    }
    return o;
  }

  private synchronized String claimClientId(String base) {
    String id = base;
    for (int n = 2; !clientIds.add(id); n++) {
      id = base + "-" + n;
    }
    return id;
  }

  private synchronized void releaseClientId(String id) {
    clientIds.remove(id);
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("broker mqtt: closed (expected: an open broker)");
    }
  }

  /** Subscriptions hand events back while the broker closes: the publisher stays until they finish. */
  private void requireOpenOrClosing() {
    MqttConnection p = publisher;
    if (closed && (p == null || !p.isConnected())) {
      throw new IllegalStateException("broker mqtt: closed (expected: an open broker)");
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while publishing", e);
    }
  }

  /** {@code host:port} (port 1883 when absent) to {@code tcp://host:port}; URIs with a scheme as given. */
  static String uri(String address) {
    String a = address.strip();
    if (a.isEmpty()) {
      throw new IllegalArgumentException("broker mqtt: address '' (expected: host:port or tcp://host:port)");
    }
    if (a.contains("://")) {
      return a;
    }
    int bracket = a.lastIndexOf(']');
    int colon = a.lastIndexOf(':');
    boolean hasPort = colon > bracket && (bracket >= 0 || a.indexOf(':') == colon);
    return "tcp://" + (hasPort ? a : a + ":" + DEFAULT_PORT);
  }

  /** Settings of an {@link MqttBroker}. Not thread-safe. */
  public static final class Builder {
    private List<String> addresses = List.of();
    private @Nullable String clientId;
    private @Nullable Boolean persistentSessions;
    private @Nullable String username;
    private char @Nullable [] password;
    private @Nullable SocketFactory socketFactory;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration publishTimeout = Duration.ofSeconds(10);
    private Duration closeTimeout = Duration.ofSeconds(5);
    private Duration keepAlive = Duration.ofSeconds(30);
    private Duration maxReconnectDelay = Duration.ofSeconds(5);
    private int maxMessageSize = 4 * 1024 * 1024;
    private int maxInflight = 1000;
    private String redeliveryPrefix = "micro-redelivery";

    private Builder() {}

    /**
     * The servers, {@code host:port} (port 1883 when absent) or URIs {@code tcp://}, {@code ssl://},
     * {@code ws://}, {@code wss://}; tried in order. Default {@code 127.0.0.1:1883}.
     */
    public Builder addresses(List<String> addresses) {
      List<String> copy = List.copyOf(addresses);
      copy.forEach(MqttBroker::uri); // validates
      this.addresses = copy;
      return this;
    }

    /** Same as {@link #addresses(List)}. */
    public Builder addresses(String... addresses) {
      return addresses(List.of(addresses));
    }

    /**
     * A client id unique to this process instance and stable across its restarts (e.g. the pod
     * name). Connections use {@code <clientId>-pub} and {@code <clientId>-<hash of group and
     * topic>}. Setting it turns on persistent sessions (unless {@link #persistentSessions} says
     * otherwise). Default: a random id and clean sessions. Two processes must never share one: the
     * server disconnects the older client.
     */
    public Builder clientId(String clientId) {
      if (clientId.isBlank()) {
        throw new IllegalArgumentException("clientId: '' (expected: a non-empty id)");
      }
      this.clientId = clientId;
      return this;
    }

    /**
     * Subscriptions with persistent sessions (clean session off): the server keeps a subscriber's
     * unacknowledged and newly arriving messages while it is disconnected and delivers them when the
     * same client id reconnects. Default: on exactly when {@link #clientId} is set.
     */
    public Builder persistentSessions(boolean persistent) {
      this.persistentSessions = persistent;
      return this;
    }

    /** User name and password for the server. */
    public Builder credentials(String username, char[] password) {
      this.username = Objects.requireNonNull(username, "username");
      this.password = password.clone();
      return this;
    }

    /** The socket factory for TLS ({@code ssl://} addresses), e.g. an {@code SSLContext}'s. */
    public Builder socketFactory(SocketFactory factory) {
      this.socketFactory = Objects.requireNonNull(factory, "factory");
      return this;
    }

    /** How long connecting may take; default 5 s. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive("connectTimeout", timeout);
      return this;
    }

    /** How long a publish may wait for the PUBACK, including a reconnect; default 10 s. */
    public Builder publishTimeout(Duration timeout) {
      this.publishTimeout = positive("publishTimeout", timeout);
      return this;
    }

    /** How long closing a subscription may take handing events back; default 5 s. */
    public Builder closeTimeout(Duration timeout) {
      this.closeTimeout = positive("closeTimeout", timeout);
      return this;
    }

    /** The MQTT keep-alive interval (whole seconds); default 30 s. */
    public Builder keepAlive(Duration interval) {
      this.keepAlive = positive("keepAlive", interval);
      return this;
    }

    /** The longest wait between reconnect attempts (backoff starts at 100 ms); default 5 s. */
    public Builder maxReconnectDelay(Duration delay) {
      this.maxReconnectDelay = positive("maxReconnectDelay", delay);
      return this;
    }

    /** The largest event body published, in bytes; default 4 MiB. */
    public Builder maxMessageSize(int bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxMessageSize: " + bytes + " (expected: >= 1)");
      }
      this.maxMessageSize = bytes;
      return this;
    }

    /** Publishes awaiting their PUBACK at once (Paho's max inflight); default 1000. */
    public Builder maxInflight(int n) {
      if (n < 1 || n > 65_535) {
        throw new IllegalArgumentException("maxInflight: " + n + " (expected: 1..65535)");
      }
      this.maxInflight = n;
      return this;
    }

    /** The first level of queue groups' redelivery topics; default {@code micro-redelivery}. */
    public Builder redeliveryPrefix(String prefix) {
      Topics.checkTopic(prefix);
      this.redeliveryPrefix = prefix;
      return this;
    }

    /** The broker, not connected. */
    public MqttBroker build() {
      return new MqttBroker(this);
    }

    private static Duration positive(String name, Duration d) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
      }
      return d;
    }
  }
}
