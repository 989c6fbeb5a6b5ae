package io.micro.plugins.broker.kafka;

import io.micro.broker.Broker;
import io.micro.broker.Event;
import io.micro.broker.EventHandler;
import io.micro.broker.SubscribeOptions;
import io.micro.broker.Subscription;
import io.micro.errors.MicroException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Broker} on Apache Kafka ({@code --broker=kafka --broker_address=host:9092[,host:9092]}).
 *
 * <pre>{@code
 * KafkaBroker broker = KafkaBroker.builder().addresses("127.0.0.1:9092").partitions(6).build();
 * broker.connect();
 * broker.subscribe("orders", d -> bill(d.event()), SubscribeOptions.builder().queue("billing").build());
 * broker.publish("orders", Event.of(Map.of(Event.KEY, orderId, "Content-Type", "application/json"), json));
 * broker.close();
 * }</pre>
 *
 * <h2>Mapping</h2>
 * <ul>
 *   <li>A topic is the Kafka topic of that name, created on first use through the Admin API with
 *       {@link Builder#partitions(int)} partitions (default: the cluster's {@code num.partitions}),
 *       unless {@link Builder#createTopics(boolean)} is off. Names are Kafka's: letters, digits,
 *       {@code . _ -}, at most 249 characters.</li>
 *   <li>An event is one record laid out by {@link Builder#encoding(KafkaEncoding)}: by default
 *       go-micro's JSON envelope ({@link KafkaEncoding#GO_MICRO}), or record headers plus the raw
 *       body ({@link KafkaEncoding#NATIVE}). The record key is the {@code Micro-Key} header when
 *       present, so events with one key go to one partition and are handled in order.</li>
 *   <li>A queue ({@link SubscribeOptions#queue()}) is a consumer group of that name: each event goes
 *       to one member. A new group starts at the earliest retained event. A plain subscriber is a
 *       consumer group of its own (a random name, deleted when it unsubscribes) that starts at the
 *       end of the topic: {@code subscribe} returns once its partitions are assigned, so every event
 *       published after it returns is delivered.</li>
 * </ul>
 *
 * <h2>Guarantees</h2>
 * Durable, at least once. {@link #publish} returns once every in-sync replica has the event
 * ({@code acks=all}, idempotent producer) and throws otherwise. A subscription commits an offset
 * only after the handler returned (or acknowledged) every event before it in that partition, so a
 * subscriber that dies leaves the rest to its group. A throwing handler or a nack makes the
 * subscription seek back and deliver the event again (later events of that partition wait, to keep
 * order), up to {@link SubscribeOptions#maxRedeliveries()}, then publish it to the dead-letter
 * topic. An event that is not valid in the encoding is logged, counted ({@link #undecodable()}) and
 * committed. Each subscription pauses its partitions while {@link Builder#maxPending(int)} events
 * are unacknowledged. Lost connections are re-established by the Kafka clients with backoff.
 *
 * <p>Thread-safe. Each subscription has its own consumer and two threads (poll and handler).
 */
public final class KafkaBroker implements Broker {
  static final String ERROR_ID = "go.micro.broker";
  private static final Logger LOG = LoggerFactory.getLogger(KafkaBroker.class);
  private static final int HEADER_ALLOWANCE = 64 * 1024;
  private static final AtomicInteger CLIENTS = new AtomicInteger();

  private final List<String> addresses;
  private final String bootstrap;
  private final KafkaEncoding encoding;
  private final int partitions;
  private final short replicationFactor;
  private final boolean createTopics;
  private final int maxMessageSize;
  private final int maxPending;
  private final Duration connectTimeout;
  private final Duration publishTimeout;
  private final Duration closeTimeout;
  private final Duration subscribeTimeout;
  private final Map<String, String> clientProperties;
  private final Map<String, String> producerProperties;
  private final Map<String, String> consumerProperties;
  private final String clientId = "micro-" + CLIENTS.incrementAndGet();

  private final Object lock = new Object();
  private final Set<KafkaSubscription> subscriptions = ConcurrentHashMap.newKeySet();
  private final Map<String, CompletableFuture<Void>> topics = new ConcurrentHashMap<>();
  private final AtomicLong undecodable = new AtomicLong();
  private volatile @Nullable Admin admin;
  private volatile @Nullable KafkaProducer<byte[], byte[]> producer;
  private volatile boolean closed;

  private KafkaBroker(Builder b) {
    this.addresses = List.copyOf(b.addresses);
    this.bootstrap = String.join(",", addresses);
    this.encoding = b.encoding;
    this.partitions = b.partitions;
    this.replicationFactor = b.replicationFactor;
    this.createTopics = b.createTopics;
    this.maxMessageSize = b.maxMessageSize;
    this.maxPending = b.maxPending;
    this.connectTimeout = b.connectTimeout;
    this.publishTimeout = b.publishTimeout;
    this.closeTimeout = b.closeTimeout;
    this.subscribeTimeout = b.subscribeTimeout;
    this.clientProperties = Map.copyOf(b.clientProperties);
    this.producerProperties = Map.copyOf(b.producerProperties);
    this.consumerProperties = Map.copyOf(b.consumerProperties);
  }

  /** A builder: {@code 127.0.0.1:9092}, go-micro encoding, topics created on first use. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return "kafka";
  }

  /** The bootstrap servers, comma-separated. */
  @Override
  public String address() {
    return bootstrap;
  }

  @Override
  public boolean durable() {
    return true;
  }

  /** How the events of this broker are laid out in records. */
  public KafkaEncoding encoding() {
    return encoding;
  }

  /**
   * How many received records were not events in {@link #encoding()} (e.g. not go-micro JSON); each
   * was logged with its topic, partition and offset, and committed so that it cannot loop.
   */
  public long undecodable() {
    return undecodable.get();
  }

  /**
   * Checks that the cluster answers (within {@link Builder#connectTimeout(Duration)}) and creates
   * the producer. Idempotent.
   *
   * @throws MicroException 503 {@code "broker kafka: cannot connect to <addresses> (<why>)"}
   * @throws IllegalStateException when closed
   */
  @Override
  public void connect() {
    synchronized (lock) {
      requireOpen();
      if (producer != null) {
        return;
      }
      Admin a = Admin.create(adminConfig());
      try {
        a.describeCluster(new DescribeClusterOptions().timeoutMs((int) connectTimeout.toMillis()))
            .clusterId().get(connectTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        a.close(Duration.ZERO);
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        throw MicroException.of(ERROR_ID, 503, "broker kafka: cannot connect to " + bootstrap + " ("
            + describe(unwrap(e)) + ")").withCause(e);
      }
      admin = a;
      producer = new KafkaProducer<>(producerConfig());
      LOG.debug("broker kafka: connected to {}", bootstrap);
    }
  }

  /**
   * Publishes and waits until the cluster has the event on every in-sync replica. The first publish
   * to a topic may create it.
   *
   * @throws MicroException 413 when the body exceeds {@link Builder#maxMessageSize(int)} or the
   *     cluster refuses the record as too large; 400 for a name Kafka cannot use as a topic; 503
   *     when the cluster cannot be reached or does not confirm within
   *     {@link Builder#publishTimeout(Duration)}
   * @throws IllegalStateException when closed
   */
  @Override
  public void publish(String topic, Event event) {
    CompletableFuture<Void> f = publishAsync(topic, event);
    try {
      f.get(publishTimeout.toMillis() + 5000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw publishFailure(topic, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw MicroException.of(ERROR_ID, 503, "broker kafka: interrupted publishing to topic " + topic).withCause(e);
    } catch (java.util.concurrent.TimeoutException e) {
      throw MicroException.of(ERROR_ID, 503, "broker kafka: publishing to topic " + topic
          + " not confirmed within " + publishTimeout.plusSeconds(5)).withCause(e);
    }
  }

  /**
   * Sends the event and returns at once (except that the first publish to a topic may create it);
   * the future completes when the cluster confirmed the event, or fails with a
   * {@link MicroException} as {@link #publish} would throw. Completion runs on the Kafka producer's
   * I/O thread: chain blocking work with the {@code *Async} methods.
   *
   * @throws IllegalStateException when closed
   */
  @Override
  public CompletableFuture<Void> publishAsync(String topic, Event event) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(event, "event");
    requireOpen();
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      checkTopic(topic);
      if (event.body().length > maxMessageSize) {
        throw MicroException.tooLarge(ERROR_ID, "event on topic %s: %d bytes (expected: <= %d)",
            topic, event.body().length, maxMessageSize);
      }
      if (producer == null) {
        connect();
      }
      ensureTopic(topic);
      ProducerRecord<byte[], byte[]> record = encoding.record(topic, event);
      producerOrThrow().send(record, (meta, error) -> {
        if (error == null) {
          done.complete(null);
        } else {
          done.completeExceptionally(publishFailure(topic, error));
        }
      });
    } catch (IllegalStateException e) {
      if (closed) {
        throw e;
      }
      done.completeExceptionally(publishFailure(topic, e));
    } catch (RuntimeException e) {
      done.completeExceptionally(publishFailure(topic, e));
    }
    return done;
  }

  /**
   * Subscribes: creates the topic if needed and starts a consumer in the queue's group (or in a group
   * of its own). A plain subscriber returns once its partitions are assigned.
   *
   * @throws MicroException 503 when the cluster cannot be reached, the topic cannot be created, or a
   *     plain subscriber gets no assignment within {@link Builder#subscribeTimeout(Duration)}; 400
   *     for a name Kafka cannot use as a topic
   * @throws IllegalStateException when closed
   */
  @Override
  public Subscription subscribe(String topic, EventHandler handler, SubscribeOptions options) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(options, "options");
    requireOpen();
    checkTopic(topic);
    connect();
    ensureTopic(topic);
    boolean broadcast = !options.hasQueue();
    String group = broadcast ? "micro-broadcast-" + UUID.randomUUID() : options.queue();
    KafkaSubscription s;
    synchronized (lock) {
      requireOpen();
      KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig(group, broadcast));
      s = new KafkaSubscription(this, topic, handler, options, group, broadcast, consumer, encoding,
          maxPending, closeTimeout, subscriptions::remove);
      subscriptions.add(s);
    }
    boolean assigned;
    try {
      assigned = s.start(broadcast ? subscribeTimeout : Duration.ZERO);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      s.unsubscribe();
      throw MicroException.of(ERROR_ID, 503, "broker kafka: interrupted subscribing to topic " + topic).withCause(e);
    } catch (IllegalStateException e) {
      s.unsubscribe();
      throw MicroException.of(ERROR_ID, 503, "broker kafka: subscribing to topic " + topic + " at "
          + bootstrap + " failed: " + e.getMessage()).withCause(e);
    }
    if (!assigned) {
      s.unsubscribe();
      throw MicroException.of(ERROR_ID, 503, "broker kafka: subscription to topic " + topic + " at "
          + bootstrap + " got no partitions within " + subscribeTimeout);
    }
    return s;
  }

  /**
   * Unsubscribes everything (committing what was handled), flushes events being published and
   * disconnects. Idempotent.
   */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    for (KafkaSubscription s : new ArrayList<>(subscriptions)) {
      s.unsubscribe();
    }
    KafkaProducer<byte[], byte[]> p = producer;
    if (p != null) {
      try {
        p.close(closeTimeout);
      } catch (RuntimeException e) {
        LOG.warn("broker kafka: closing the producer failed: {}", e.toString());
      }
    }
    Admin a = admin;
    if (a != null) {
      a.close(closeTimeout);
    }
  }

  @Override
  public String toString() {
    return "KafkaBroker[" + bootstrap + ", " + encoding + ", " + subscriptions.size() + " subscriptions]";
  }

  // ------------------------------------------------------------------------------------ helpers

  void countUndecodable() {
    undecodable.incrementAndGet();
  }

  /** Deletes a plain subscriber's own group once it left; failures only logged. */
  void deleteGroupQuietly(String group) {
    Admin a = admin;
    if (a == null) {
      return;
    }
    try {
      a.deleteConsumerGroups(List.of(group)).all().get(2, TimeUnit.SECONDS);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      LOG.debug("broker kafka: could not delete consumer group {}: {}", group, e.toString());
    }
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("broker kafka: closed (expected: an open broker)");
    }
  }

  private KafkaProducer<byte[], byte[]> producerOrThrow() {
    KafkaProducer<byte[], byte[]> p = producer;
    if (p == null || closed) {
      throw new IllegalStateException("broker kafka: closed (expected: an open broker)");
    }
    return p;
  }

  private static void checkTopic(String topic) {
    if (!legalTopic(topic)) {
      throw MicroException.badRequest(ERROR_ID, "broker kafka: topic '%s' (expected: 1 to 249 of "
          + "a-z A-Z 0-9 . _ -, not . or ..)", topic);
    }
  }

  /** Kafka's rule: 1 to 249 of a-z A-Z 0-9 . _ -, not "." or "..". */
  static boolean legalTopic(String topic) {
    int n = topic.length();
    if (n == 0 || n > 249 || topic.equals(".") || topic.equals("..")) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = topic.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
          || c == '_' || c == '-')) {
        return false;
      }
    }
    return true;
  }

  /** Creates {@code topic} once per broker (an existing topic is fine). Blocks on the first call. */
  private void ensureTopic(String topic) {
    if (!createTopics) {
      return;
    }
    CompletableFuture<Void> known = topics.get(topic);
    if (known != null && known.isDone() && !known.isCompletedExceptionally()) {
      return;
    }
    CompletableFuture<Void> mine = new CompletableFuture<>();
    CompletableFuture<Void> f = topics.putIfAbsent(topic, mine);
    if (f == null) {
      f = mine;
      try {
        NewTopic nt = new NewTopic(topic, partitions > 0 ? Optional.of(partitions) : Optional.empty(),
            replicationFactor > 0 ? Optional.of(replicationFactor) : Optional.empty());
        Admin a = Objects.requireNonNull(admin, "admin");
        a.createTopics(List.of(nt)).all().get(publishTimeout.toMillis(), TimeUnit.MILLISECONDS);
        mine.complete(null);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof TopicExistsException) {
          mine.complete(null);
        } else {
          mine.completeExceptionally(e.getCause());
        }
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        mine.completeExceptionally(e);
      }
    }
    try {
      f.join();
    } catch (java.util.concurrent.CompletionException e) {
      topics.remove(topic, f);
      Throwable cause = unwrap(e);
      if (cause instanceof InvalidTopicException) {
        throw MicroException.badRequest(ERROR_ID, "broker kafka: topic '%s' refused by the cluster: %s",
            topic, cause.getMessage());
      }
      throw MicroException.of(ERROR_ID, 503, "broker kafka: cannot create topic " + topic + " at "
          + bootstrap + " (" + describe(cause) + ")").withCause(cause);
    }
  }

  private MicroException publishFailure(String topic, Throwable error) {
    Throwable t = unwrap(error);
    if (t instanceof MicroException me) {
      return me;
    }
    if (t instanceof RecordTooLargeException) {
      return MicroException.tooLarge(ERROR_ID, "broker kafka: event on topic %s refused as too large "
          + "(%s)", topic, t.getMessage());
    }
    if (t instanceof InvalidTopicException) {
      return MicroException.badRequest(ERROR_ID, "broker kafka: topic '%s' refused: %s", topic, t.getMessage());
    }
    return MicroException.of(ERROR_ID, 503, "broker kafka: publishing to topic " + topic + " at "
        + bootstrap + " failed (" + describe(t) + ")").withCause(t);
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof ExecutionException || t instanceof java.util.concurrent.CompletionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static String describe(Throwable t) {
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + m;
  }

  // ------------------------------------------------------------------------------ configuration

  private Properties adminConfig() {
    Properties p = new Properties();
    p.putAll(clientProperties);
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId + "-admin");
    p.putIfAbsent(AdminClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "1000");
    return p;
  }

  private Properties producerConfig() {
    int publishMs = (int) Math.min(Integer.MAX_VALUE, publishTimeout.toMillis());
    Properties p = new Properties();
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "0"); // publish() waits for each event: batching only costs
    long maxRecord = (long) maxMessageSize + encoding.overhead(maxMessageSize) + HEADER_ALLOWANCE;
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Long.toString(Math.max(1024 * 1024, Math.min(Integer.MAX_VALUE, maxRecord))));
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.toString(publishMs));
    // a produce request that gets no answer is sent again within the publish window (idempotence
    // keeps the retry from writing the event twice) rather than using up the whole window
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(Math.min(30_000, Math.max(1000, publishMs / 3))));
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Integer.toString(publishMs));
    p.putAll(clientProperties);
    p.putAll(producerProperties);
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-producer");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return p;
  }

  private Properties consumerConfig(String group, boolean broadcast) {
    Properties p = new Properties();
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // sticky assignments among our members; "range" too, so that go-micro members (sarama offers
    // only "range") can join the same group. Offering an eager assignor makes rebalances eager.
    p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        CooperativeStickyAssignor.class.getName() + "," + RangeAssignor.class.getName());
    p.putAll(clientProperties);
    p.putAll(consumerProperties);
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-consumer-" + CLIENTS.incrementAndGet());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    if (broadcast) {
      p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    }
    return p;
  }

  /** Configures a {@link KafkaBroker}. Not thread-safe. */
  public static final class Builder {
    private List<String> addresses = List.of("127.0.0.1:9092");
    private KafkaEncoding encoding = KafkaEncoding.GO_MICRO;
    private int partitions;
    private short replicationFactor;
    private boolean createTopics = true;
    private int maxMessageSize = 4 * 1024 * 1024;
    private int maxPending = 1000;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration publishTimeout = Duration.ofSeconds(30);
    private Duration closeTimeout = Duration.ofSeconds(10);
    private Duration subscribeTimeout = Duration.ofSeconds(30);
    private final Map<String, String> clientProperties = new LinkedHashMap<>();
    private final Map<String, String> producerProperties = new LinkedHashMap<>();
    private final Map<String, String> consumerProperties = new LinkedHashMap<>();

    private Builder() {}

    /** The bootstrap servers, {@code host:port} each; default {@code 127.0.0.1:9092}. */
    public Builder addresses(String... addresses) {
      return addresses(List.of(addresses));
    }

    /** The bootstrap servers; an empty list means the default {@code 127.0.0.1:9092}. */
    public Builder addresses(List<String> addresses) {
      List<String> clean = new ArrayList<>();
      for (String a : addresses) {
        for (String part : a.split(",")) {
          String s = part.strip();
          if (s.isEmpty()) {
            continue;
          }
          if (s.lastIndexOf(':') <= 0) {
            throw new IllegalArgumentException("kafka address: '" + s + "' (expected: host:port)");
          }
          clean.add(s);
        }
      }
      this.addresses = clean.isEmpty() ? List.of("127.0.0.1:9092") : clean;
      return this;
    }

    /** How events are laid out in records; default {@link KafkaEncoding#GO_MICRO}. */
    public Builder encoding(KafkaEncoding encoding) {
      this.encoding = Objects.requireNonNull(encoding, "encoding");
      return this;
    }

    /** Partitions of topics this broker creates; 0 (default) for the cluster's {@code num.partitions}. */
    public Builder partitions(int partitions) {
      if (partitions < 0) {
        throw new IllegalArgumentException("partitions: " + partitions + " (expected: >= 0)");
      }
      this.partitions = partitions;
      return this;
    }

    /**
     * Replication factor of topics this broker creates; 0 (default) for the cluster's
     * {@code default.replication.factor}.
     */
    public Builder replicationFactor(int replicationFactor) {
      if (replicationFactor < 0 || replicationFactor > Short.MAX_VALUE) {
        throw new IllegalArgumentException("replicationFactor: " + replicationFactor + " (expected: 0 to 32767)");
      }
      this.replicationFactor = (short) replicationFactor;
      return this;
    }

    /**
     * Whether to create missing topics through the Admin API on first use (default true); off, topics
     * must exist (or the cluster must auto-create them).
     */
    public Builder createTopics(boolean createTopics) {
      this.createTopics = createTopics;
      return this;
    }

    /**
     * The largest event body accepted (413 beyond); default 4 MiB. The cluster's
     * {@code message.max.bytes} must allow the encoded record (go-micro encoding: about 4/3 of the
     * body plus the headers), else it refuses it, also with a 413.
     */
    public Builder maxMessageSize(int bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxMessageSize: " + bytes + " (expected: >= 1)");
      }
      this.maxMessageSize = bytes;
      return this;
    }

    /**
     * How many events a subscription may have handed out and not acknowledged before it pauses its
     * partitions (resuming at half); default 1000.
     */
    public Builder maxPending(int maxPending) {
      if (maxPending < 1) {
        throw new IllegalArgumentException("maxPending: " + maxPending + " (expected: >= 1)");
      }
      this.maxPending = maxPending;
      return this;
    }

    /** How long {@link KafkaBroker#connect()} waits for the cluster to answer; default 10 s. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive("connectTimeout", timeout);
      return this;
    }

    /**
     * How long a publish may take to be confirmed, retries included ({@code delivery.timeout.ms},
     * {@code max.block.ms}); default 30 s.
     */
    public Builder publishTimeout(Duration timeout) {
      this.publishTimeout = positive("publishTimeout", timeout);
      return this;
    }

    /** How long closing waits for a running handler, the final commit and the group leave; default 10 s. */
    public Builder closeTimeout(Duration timeout) {
      this.closeTimeout = positive("closeTimeout", timeout);
      return this;
    }

    /** How long a plain subscriber waits for its partitions in {@code subscribe}; default 30 s. */
    public Builder subscribeTimeout(Duration timeout) {
      this.subscribeTimeout = positive("subscribeTimeout", timeout);
      return this;
    }

    /**
     * A Kafka client setting for the producer, the consumers and the admin client alike, e.g.
     * {@code security.protocol}, {@code sasl.jaas.config}, {@code ssl.truststore.location}.
     */
    public Builder property(String name, String value) {
      clientProperties.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * A producer setting, applied over the defaults ({@code acks=all},
     * {@code enable.idempotence=true}, {@code linger.ms=0}); bootstrap servers and serializers are
     * the broker's.
     */
    public Builder producerProperty(String name, String value) {
      producerProperties.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * A consumer setting, e.g. {@code session.timeout.ms}, {@code heartbeat.interval.ms},
     * {@code auto.offset.reset} for new queue groups (default {@code earliest}); group id,
     * auto-commit (always off), deserializers, and a plain subscriber's {@code latest} are the
     * broker's.
     */
    public Builder consumerProperty(String name, String value) {
      consumerProperties.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** The broker, not yet connected. */
    public KafkaBroker build() {
      return new KafkaBroker(this);
    }

    private static Duration positive(String name, Duration d) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
      }
      return d;
    }
  }
}
