package io.micro.plugins.broker.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.micro.broker.Broker;
import io.micro.broker.Event;
import io.micro.broker.EventHandler;
import io.micro.broker.SubscribeOptions;
import io.micro.broker.Subscription;
import io.micro.broker.spi.GoMicroMessage;
import io.micro.errors.MicroException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Broker} on Redis 6.2 or later, with <a href="https://lettuce.io">Lettuce</a>.
 *
 * <h2>On the wire</h2>
 * An event is encoded once as go-micro's broker message, {@code {"Header":{...},"Body":"<base64>"}},
 * and sent in one {@code EVALSHA} of a small Lua script that
 * <ol>
 *   <li>appends it to the stream {@code <prefix><topic>} ({@code XADD ... NOMKSTREAM MAXLEN ~ n *
 *       message <json>}) when that stream exists, that is once some queue group subscribed to the
 *       topic: topics nobody consumes as a queue cost no memory; and</li>
 *   <li>{@code PUBLISH}es the same bytes on the channel {@code <topic>}, exactly as go-micro's Redis
 *       broker does, so Go and Java plain subscribers hear each other.</li>
 * </ol>
 * <b>Plain subscribers</b> ({@link SubscribeOptions#hasQueue()} false) {@code SUBSCRIBE} to the
 * channel: at most once, every subscriber that is connected gets every event, nothing is kept.
 * <b>Queue groups</b> are Redis consumer groups (named by the queue) on the stream: each entry goes
 * to one member ({@code XREADGROUP}), is acknowledged ({@code XACK}) only after the handler
 * returned, and stays pending when the handler throws or the member dies; pending entries idle for
 * {@link Builder#claimIdle} are taken over by a live member ({@code XAUTOCLAIM}) and delivered again
 * with {@link io.micro.broker.Delivery#attempt()} = Redis's delivery count, up to
 * {@link SubscribeOptions#maxRedeliveries()}, then moved to the dead-letter topic. So
 * {@link #durable()} is true, for queue groups.
 *
 * <h2>Connections and failures</h2>
 * One connection publishes and acknowledges, one carries every plain subscription, and each queue
 * subscription has one of its own for its blocking reads. Lettuce reconnects with backoff (100 ms
 * doubling to 5 s) and re-subscribes the channels; queue subscriptions resume reading and re-create
 * their group if Redis lost it. While Redis is unreachable {@link #publish} fails at once with a
 * 503 {@link MicroException}; it never queues silently.
 *
 * <pre>{@code
 * Broker broker = RedisBroker.builder().address("127.0.0.1:6379").build();
 * broker.connect();
 * }</pre>
 *
 * <p>Thread-safe. Handlers of one subscription run one at a time, in stream (or channel) order.
 */
public final class RedisBroker implements Broker {
  static final String ERROR_ID = "go.micro.broker";
  /** The one field of a stream entry, holding the encoded message. */
  static final String FIELD = "message";

  /**
   * Appends to the stream (only if it exists, or always for a dead letter) and publishes on the
   * channel. KEYS[1] stream; ARGV[1] channel, ARGV[2] message, ARGV[3] MAXLEN ("0": none),
   * ARGV[4] "1" to create the stream.
   */
  static final String SCRIPT = String.join("\n",
      "local a = {KEYS[1]}",
      "if ARGV[4] ~= '1' then a[#a+1] = 'NOMKSTREAM' end",
      "if ARGV[3] ~= '0' then a[#a+1] = 'MAXLEN'; a[#a+1] = '~'; a[#a+1] = ARGV[3] end",
      "a[#a+1] = '*'; a[#a+1] = '" + FIELD + "'; a[#a+1] = ARGV[2]",
      "local id = redis.call('XADD', unpack(a))",
      "redis.call('PUBLISH', ARGV[1], ARGV[2])",
      "return id");
  private static final byte[] ONE = {'1'};
  private static final byte[] ZERO = {'0'};

  private final Settings settings;
  private final byte[] maxLengthArg;
  private final RedisURI uri;
  private final String address;
  private final String consumerBase = "micro-" + ProcessHandle.current().pid() + "-"
      + UUID.randomUUID().toString().substring(0, 8);
  private final AtomicInteger consumerSeq = new AtomicInteger();
  private final AtomicLong undecodable = new AtomicLong();
  private final Set<StreamSubscription> streams = ConcurrentHashMap.newKeySet();
  private final Object lock = new Object();
  private volatile boolean closed;
  private @Nullable ClientResources resources;
  private @Nullable RedisClient client;
  private volatile @Nullable StatefulRedisConnection<byte[], byte[]> commands;
  private @Nullable Channels channels;
  private @Nullable String scriptSha;

  private RedisBroker(Builder b) {
    this.settings = new Settings(b.prefix, b.maxLength, b.claimIdle, b.redeliveryDelay, b.batchSize,
        b.timeout, b.maxMessageSize, b.maxPending);
    this.maxLengthArg = Long.toString(b.maxLength).getBytes(StandardCharsets.US_ASCII);
    this.uri = parse(b.address, b.timeout);
    this.address = b.address;
  }

  /** A builder: {@code 127.0.0.1:6379}, prefix {@code micro:stream:}, the defaults it lists. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns {@code redis}. */
  @Override
  public String name() {
    return "redis";
  }

  /** The address it was built with ({@code host:port} or a {@code redis://} URI). */
  @Override
  public String address() {
    return address;
  }

  /** True: queue groups redeliver (plain subscribers, on Redis pub/sub, do not). */
  @Override
  public boolean durable() {
    return true;
  }

  /**
   * How many received messages could not be decoded (not go-micro's JSON broker message); each was
   * logged with its topic and, for a stream entry, acknowledged so that it cannot loop.
   */
  public long undecodable() {
    return undecodable.get();
  }

  /**
   * Connects the publishing connection. Idempotent.
   *
   * @throws MicroException 503 naming the broker and the address when Redis cannot be reached
   * @throws IllegalStateException when closed
   */
  @Override
  public void connect() {
    commands();
  }

  /**
   * Publishes {@code event}: returns once Redis ran the script (appended to the stream if a queue
   * group listens, published on the channel).
   *
   * @throws MicroException 413 when the body is larger than {@link Builder#maxMessageSize}; 503
   *     when Redis cannot be reached or did not answer within {@link Builder#timeout}
   * @throws IllegalStateException when closed
   */
  @Override
  public void publish(String topic, Event event) {
    try {
      publishAsync(topic, event).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  /**
   * Publishes without waiting: the future completes when Redis ran the script, or fails with a
   * {@link MicroException} (503) saying why not. Size and state are checked at once (they throw).
   */
  @Override
  public CompletableFuture<Void> publishAsync(String topic, Event event) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(event, "event");
    StatefulRedisConnection<byte[], byte[]> c = commands();
    if (event.body().length > settings.maxMessageSize()) {
      throw MicroException.tooLarge(ERROR_ID, "event on topic %s: %d bytes (expected: <= %d)",
          topic, event.body().length, settings.maxMessageSize());
    }
    byte[][] keys = {settings.streamKey(topic)};
    byte[][] args = {
        topic.getBytes(StandardCharsets.UTF_8),
        GoMicroMessage.encode(event),
        maxLengthArg,
        event.header(SubscribeOptions.DEAD_LETTER_TOPIC) != null ? ONE : ZERO};
    CompletableFuture<Void> done = new CompletableFuture<>();
    String sha = Objects.requireNonNull(scriptSha);
    c.async().<byte[]>evalsha(sha, ScriptOutputType.VALUE, keys, args).whenComplete((id, e) -> {
      if (e == null) {
        done.complete(null);
      } else if (unwrap(e) instanceof RedisNoScriptException) {
        // Redis restarted or its script cache was flushed: send the script itself once
        c.async().<byte[]>eval(SCRIPT, ScriptOutputType.VALUE, keys, args).whenComplete((id2, e2) -> {
          if (e2 == null) {
            done.complete(null);
          } else {
            done.completeExceptionally(publishFailed(topic, e2));
          }
        });
      } else {
        done.completeExceptionally(publishFailed(topic, e));
      }
    });
    return done;
  }

  private MicroException publishFailed(String topic, Throwable e) {
    Throwable cause = unwrap(e);
    return MicroException.of(ERROR_ID, 503, "broker redis: cannot publish to topic " + topic
        + " on " + address + " (" + cause.getMessage() + ")").withCause(cause);
  }

  static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof java.util.concurrent.ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /**
   * Subscribes: a plain subscriber {@code SUBSCRIBE}s to the channel {@code topic}; a queue member
   * joins the consumer group {@code queue} of the stream {@code <prefix><topic>}, creating both
   * when needed. Returns once Redis confirmed.
   *
   * @throws MicroException 503 when Redis cannot be reached
   * @throws IllegalStateException when closed
   */
  @Override
  public Subscription subscribe(String topic, EventHandler handler, SubscribeOptions options) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(options, "options");
    StatefulRedisConnection<byte[], byte[]> c = commands();
    if (!options.hasQueue()) {
      return channels().subscribe(topic, handler, options);
    }
    StreamSubscription s = new StreamSubscription(this, c, topic, handler, options,
        consumerBase + "-" + consumerSeq.incrementAndGet());
    try {
      s.start(Objects.requireNonNull(client));
    } catch (RedisException e) {
      s.unsubscribe();
      throw MicroException.of(ERROR_ID, 503, "broker redis: cannot subscribe queue " + options.queue()
          + " to topic " + topic + " on " + address + " (" + e.getMessage() + ")").withCause(e);
    }
    streams.add(s);
    if (closed) {
      s.unsubscribe();
      throw new IllegalStateException("broker redis: closed");
    }
    return s;
  }

  /** Unsubscribes everything, waits briefly for queue handlers to finish, disconnects. Idempotent. */
  @Override
  public void close() {
    List<StreamSubscription> stopping;
    Channels ch;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      stopping = new ArrayList<>(streams);
      ch = channels;
    }
    for (StreamSubscription s : stopping) {
      s.unsubscribe();
    }
    if (ch != null) {
      ch.close();
    }
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    for (StreamSubscription s : stopping) {
      s.awaitStopped(end);
    }
    StatefulRedisConnection<byte[], byte[]> c = commands;
    if (c != null) {
      c.close();
    }
    RedisClient rc = client;
    if (rc != null) {
      rc.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
    ClientResources r = resources;
    if (r != null) {
      r.shutdown(0, 2, TimeUnit.SECONDS);
    }
  }

  // ------------------------------------------------------------------------------------ internals

  Settings settings() {
    return settings;
  }

  boolean closed() {
    return closed;
  }

  void removed(StreamSubscription s) {
    streams.remove(s);
  }

  long countUndecodable() {
    return undecodable.incrementAndGet();
  }

  private StatefulRedisConnection<byte[], byte[]> commands() {
    StatefulRedisConnection<byte[], byte[]> c = commands;
    if (c != null && !closed) {
      return c;
    }
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("broker redis: closed");
      }
      if (commands != null) {
        return commands;
      }
      ClientResources r = DefaultClientResources.builder()
          .reconnectDelay(Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(5), 2, TimeUnit.MILLISECONDS))
          .build();
      RedisClient rc = RedisClient.create(r, uri);
      rc.setOptions(ClientOptions.builder()
          .autoReconnect(true)
          .timeoutOptions(TimeoutOptions.enabled()) // async commands, too, end after the timeout
          .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
          .socketOptions(SocketOptions.builder().connectTimeout(settings.timeout()).keepAlive(true).build())
          .build());
      try {
        c = rc.connect(ByteArrayCodec.INSTANCE);
      } catch (RedisException e) {
        rc.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        r.shutdown(0, 2, TimeUnit.SECONDS);
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        throw MicroException.of(ERROR_ID, 503, "broker redis: cannot connect to " + address + " ("
            + cause.getMessage() + "; expected: a reachable Redis 6.2+, e.g. --broker_address=127.0.0.1:6379)")
            .withCause(e);
      }
      scriptSha = c.sync().digest(SCRIPT);
      resources = r;
      client = rc;
      commands = c;
      return c;
    }
  }

  private Channels channels() {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("broker redis: closed");
      }
      if (channels == null) {
        RedisClient rc = Objects.requireNonNull(client);
        try {
          channels = new Channels(this, rc.connectPubSub(ByteArrayCodec.INSTANCE));
        } catch (RedisException e) {
          throw MicroException.of(ERROR_ID, 503, "broker redis: cannot open a pub/sub connection to "
              + address + " (" + e.getMessage() + ")").withCause(e);
        }
      }
      return channels;
    }
  }

  static RedisURI parse(String address, Duration timeout) {
    String a = address.strip();
    RedisURI u;
    try {
      if (a.startsWith("redis://") || a.startsWith("rediss://") || a.startsWith("redis-socket://")) {
        u = RedisURI.create(a);
      } else {
        int colon = a.lastIndexOf(':');
        if (colon < 0) {
          u = RedisURI.create(a, 6379);
        } else {
          u = RedisURI.create(a.substring(0, colon), Integer.parseInt(a.substring(colon + 1)));
        }
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("broker redis: address " + address
          + " (expected: host[:port] or redis://[user:password@]host[:port][/db])", e);
    }
    u.setTimeout(timeout);
    return u;
  }

  /** The settings every part of the broker reads; immutable. */
  record Settings(String prefix, long maxLength, Duration claimIdle, Duration redeliveryDelay,
      int batchSize, Duration timeout, int maxMessageSize, int maxPending) {
    byte[] streamKey(String topic) {
      return (prefix + topic).getBytes(StandardCharsets.UTF_8);
    }
  }

  /** Builds a {@link RedisBroker}. Not thread-safe. */
  public static final class Builder {
    private String address = "127.0.0.1:6379";
    private String prefix = "micro:stream:";
    private long maxLength = 100_000;
    private Duration claimIdle = Duration.ofSeconds(30);
    private Duration redeliveryDelay = Duration.ofSeconds(1);
    private int batchSize = 64;
    private Duration timeout = Duration.ofSeconds(10);
    private int maxMessageSize = 4 * 1024 * 1024;
    private int maxPending = 65_536;

    private Builder() {}

    /**
     * Where Redis is: {@code host[:port]} (port 6379 when left out) or a Lettuce URI such as
     * {@code redis://user:secret@host:6379/0} or {@code rediss://host} (TLS). Default
     * {@code 127.0.0.1:6379}.
     */
    public Builder address(String address) {
      this.address = Objects.requireNonNull(address, "address");
      parse(address, timeout);
      return this;
    }

    /**
     * The addresses from {@code --broker_address}: none keeps the default, one is used as
     * {@link #address}; more are refused (Redis Cluster and Sentinel are not supported).
     */
    public Builder addresses(List<String> addresses) {
      List<String> a = addresses.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
      if (a.size() > 1) {
        throw new IllegalArgumentException("broker redis: " + a.size() + " addresses " + a
            + " (expected: one host:port or redis:// URI; Cluster and Sentinel are not supported)");
      }
      return a.isEmpty() ? this : address(a.get(0));
    }

    /** The prefix of the stream keys, {@code <prefix><topic>}; default {@code micro:stream:}. */
    public Builder prefix(String prefix) {
      this.prefix = Objects.requireNonNull(prefix, "prefix");
      return this;
    }

    /**
     * The approximate bound on a stream's length ({@code XADD MAXLEN ~ n}); default 100 000, 0 for
     * none. Entries trimmed before every group handled them are lost to that group: make it larger
     * than the backlog a slow group may build.
     */
    public Builder maxLength(long maxLength) {
      if (maxLength < 0) {
        throw new IllegalArgumentException("maxLength: " + maxLength + " (expected: >= 0)");
      }
      this.maxLength = maxLength;
      return this;
    }

    /**
     * How long an entry may stay unacknowledged with a member before another member claims it
     * ({@code XAUTOCLAIM} min-idle-time); default 30 s. Must exceed the longest handler run, or a
     * slow handler's entry is delivered a second time elsewhere.
     */
    public Builder claimIdle(Duration claimIdle) {
      this.claimIdle = positive("claimIdle", claimIdle);
      return this;
    }

    /**
     * How long after a handler failed its entry becomes claimable again (the redelivery backoff);
     * default 1 s, capped at {@link #claimIdle}.
     */
    public Builder redeliveryDelay(Duration delay) {
      if (delay.isNegative()) {
        throw new IllegalArgumentException("redeliveryDelay: " + delay + " (expected: >= 0)");
      }
      this.redeliveryDelay = delay;
      return this;
    }

    /** How many entries one {@code XREADGROUP} or {@code XAUTOCLAIM} fetches; default 64. */
    public Builder batchSize(int batchSize) {
      if (batchSize < 1) {
        throw new IllegalArgumentException("batchSize: " + batchSize + " (expected: >= 1)");
      }
      this.batchSize = batchSize;
      return this;
    }

    /** Connect and command timeout; default 10 s. */
    public Builder timeout(Duration timeout) {
      this.timeout = positive("timeout", timeout);
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

    /**
     * How many received events a plain subscriber may have waiting for its handler; beyond that
     * new ones are dropped with an error log (pub/sub cannot push back). Default 65 536.
     */
    public Builder maxPending(int maxPending) {
      if (maxPending < 1) {
        throw new IllegalArgumentException("maxPending: " + maxPending + " (expected: >= 1)");
      }
      this.maxPending = maxPending;
      return this;
    }

    /** The broker, not connected. */
    public RedisBroker build() {
      if (redeliveryDelay.compareTo(claimIdle) > 0) {
        redeliveryDelay = claimIdle;
      }
      return new RedisBroker(this);
    }

    private static Duration positive(String name, Duration d) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
      }
      return d;
    }
  }
}
