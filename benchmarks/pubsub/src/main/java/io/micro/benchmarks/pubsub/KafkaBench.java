package io.micro.benchmarks.pubsub;

import io.micro.broker.Event;
import io.micro.broker.SubscribeOptions;
import io.micro.plugins.broker.kafka.KafkaBroker;
import io.micro.plugins.broker.kafka.KafkaEncoding;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Time;

/**
 * Publish-to-deliver throughput and latency of {@link KafkaBroker} beside raw kafka-clients 4.4.0
 * doing the same work against the same in-JVM Kafka (KRaft, one node, started here on 127.0.0.1
 * with free ports), in one JVM.
 *
 * <p>Same work: both producers use {@code acks=all}, idempotence and {@code linger.ms=0}, and a
 * publish completes on the cluster's acknowledgement; both consumers are members of a consumer
 * group with auto-commit off and commit only after the handler ran. Raw kafka-clients sends the bare
 * body and handles records on its poll thread, committing asynchronously after each poll. Ours
 * ({@code micro}) wraps the body in go-micro's JSON broker message (base64), hands records from its
 * poll thread to a handler thread, decodes them, runs the handler and commits up to the lowest
 * unacknowledged offset; {@code micro-native} is the same with {@link KafkaEncoding#NATIVE}
 * (record headers and the raw body). Modes: <b>broadcast</b> (a plain subscriber: a group of its
 * own starting at the end) and <b>queue</b> (one member of a named group). Topics have one
 * partition.
 *
 * <p>Throughput: {@code messages} publishes with at most {@code window} awaiting their
 * acknowledgement, timed from the first publish to the last delivery. Latency: {@code latency}
 * publishes one at a time, each waiting for its delivery; p50 and p99 of publish call to handler.
 * After a warm-up of every cell the runs alternate (raw, micro, micro-native, raw, ...); the medians
 * are printed as a Markdown table.
 *
 * <p>Usage: {@code java -cp ... io.micro.benchmarks.pubsub.KafkaBench [messages=30000]
 * [latency=1000] [runs=3] [size=256] [window=256]}. Needs nothing installed.
 */
public final class KafkaBench {

  private KafkaBench() {}

  /** Runs the benchmark; arguments are {@code key=value} (see the class comment). */
  public static void main(String[] args) throws Exception {
    Map<String, Integer> opt = new LinkedHashMap<>(Map.of("messages", 30_000, "latency", 1_000,
        "runs", 3, "size", 256, "window", 256));
    for (String a : args) {
      String[] kv = a.split("=", 2);
      if (kv.length != 2 || !opt.containsKey(kv[0])) {
        throw new IllegalArgumentException("argument " + a + " (expected: one of " + opt.keySet() + "=<number>)");
      }
      opt.put(kv[0], Integer.parseInt(kv[1]));
    }
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      String[] modes = {"broadcast", "queue"};
      String[] clients = {"raw-kafka-clients", "micro", "micro-native"};
      Map<String, List<Result>> results = new LinkedHashMap<>();
      int runs = opt.get("runs");
      for (int round = 0; round <= runs; round++) { // round 0 is the warm-up
        for (String mode : modes) {
          for (String client : clients) {
            Result r = measure(kafka, mode, client, opt, 1);
            System.err.printf(Locale.ROOT, "# %s %-9s %-17s %s%n", round == 0 ? "warm-up" : "run " + round,
                mode, client, r);
            if (round > 0) {
              results.computeIfAbsent(mode + " " + client, k -> new ArrayList<>()).add(r);
            }
          }
        }
      }
      System.out.printf(Locale.ROOT, "%nKafka broker, acks=all, %d-byte bodies, in-JVM KRaft on loopback, one "
          + "partition, median of %d runs (throughput: %d messages, window %d; latency: %d sequential "
          + "messages)%n%n", opt.get("size"), runs, opt.get("messages"), opt.get("window"), opt.get("latency"));
      System.out.println("| mode | client | msgs/s | p50 µs | p99 µs | micro / raw throughput |");
      System.out.println("|---|---|---:|---:|---:|---:|");
      for (String mode : modes) {
        double raw = BenchSupport.median(results.get(mode + " raw-kafka-clients"), Result::rate);
        for (String client : clients) {
          List<Result> rs = results.get(mode + " " + client);
          double rate = BenchSupport.median(rs, Result::rate);
          System.out.printf(Locale.ROOT, "| %s | %s | %,.0f | %.0f | %.0f | %s |%n", mode, client, rate,
              BenchSupport.median(rs, Result::p50), BenchSupport.median(rs, Result::p99),
              client.startsWith("micro") ? String.format(Locale.ROOT, "%.2f×", rate / raw) : "");
        }
      }
    }
  }

  /** One measurement: messages per second, latency percentiles in microseconds. */
  record Result(double rate, double p50, double p99) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%,.0f msgs/s, p50 %.0f µs, p99 %.0f µs", rate, p50, p99);
    }
  }

  private static Result measure(EmbeddedKafka kafka, String mode, String client, Map<String, Integer> opt,
      int divide) throws Exception {
    String topic = "bench." + mode + "." + client + "." + System.nanoTime();
    String group = mode.equals("queue") ? "bench-" + System.nanoTime() : "";
    kafka.createTopic(topic);
    AtomicReference<Consumer<byte[]>> sink = new AtomicReference<>(b -> { });
    try (Target t = switch (client) {
      case "micro" -> new Micro(kafka.bootstrap(), topic, group, KafkaEncoding.GO_MICRO, sink);
      case "micro-native" -> new Micro(kafka.bootstrap(), topic, group, KafkaEncoding.NATIVE, sink);
      default -> new Raw(kafka.bootstrap(), topic, group, sink);
    }) {
      int size = opt.get("size");
      // latency: one at a time (the first also proves the subscriber is assigned)
      int m = Math.max(10, opt.get("latency") / divide);
      BlockingQueue<Long> lat = new ArrayBlockingQueue<>(16);
      sink.set(b -> lat.add(System.nanoTime() - ByteBuffer.wrap(b).getLong()));
      long[] l = new long[m];
      for (int i = 0; i < m; i++) {
        t.send(BenchSupport.stampedBody(size, (byte) 0)).get(10, TimeUnit.SECONDS);
        Long v = lat.poll(30, TimeUnit.SECONDS);
        if (v == null) {
          throw new IllegalStateException(mode + " " + client + ": message " + i + " not delivered within 30 s");
        }
        l[i] = v;
      }
      Arrays.sort(l);
      // throughput: a window of publishes in flight
      int n = Math.max(100, opt.get("messages") / divide);
      CountDownLatch delivered = new CountDownLatch(n);
      sink.set(b -> delivered.countDown());
      Semaphore window = new Semaphore(opt.get("window"));
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        window.acquire();
        t.send(BenchSupport.stampedBody(size, (byte) 0)).whenComplete((v, e) -> {
          window.release();
          if (e != null) {
            System.err.println("# publish failed: " + e);
          }
        });
      }
      if (!delivered.await(120, TimeUnit.SECONDS)) {
        throw new IllegalStateException(mode + " " + client + ": " + delivered.getCount() + " of " + n
            + " messages not delivered within 120 s");
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      return new Result(n / seconds, l[m / 2] / 1e3, l[(int) Math.min(m - 1, Math.ceil(m * 0.99) - 1)] / 1e3);
    }
  }

  /** A publisher and a subscriber of one topic. */
  interface Target extends AutoCloseable {
    /** Publishes {@code body}; completes on the cluster's acknowledgement. */
    CompletableFuture<Void> send(byte[] body);

    @Override
    void close() throws Exception;
  }

  /** Our broker: one for publishing, one subscribing. */
  static final class Micro implements Target {
    private final KafkaBroker pub;
    private final KafkaBroker sub;
    private final String topic;

    Micro(String bootstrap, String topic, String group, KafkaEncoding encoding,
        AtomicReference<Consumer<byte[]>> sink) {
      this.topic = topic;
      this.pub = KafkaBroker.builder().addresses(bootstrap).encoding(encoding).build();
      this.sub = KafkaBroker.builder().addresses(bootstrap).encoding(encoding).build();
      pub.connect();
      sub.subscribe(topic, d -> sink.get().accept(d.event().body()),
          SubscribeOptions.builder().queue(group).build());
    }

    @Override
    public CompletableFuture<Void> send(byte[] body) {
      return pub.publishAsync(topic, Event.of(Map.of(Event.ID, UUID.randomUUID().toString(),
          Event.TOPIC, topic, Event.CONTENT_TYPE, "application/octet-stream"), body));
    }

    @Override
    public void close() {
      sub.close();
      pub.close();
    }
  }

  /** Raw kafka-clients: a producer, and a group consumer committing after handling each poll. */
  static final class Raw implements Target {
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread poller;
    private final String topic;
    private volatile boolean closing;

    Raw(String bootstrap, String topic, String group, AtomicReference<Consumer<byte[]>> sink)
        throws InterruptedException {
      this.topic = topic;
      Properties p = new Properties();
      p.put("bootstrap.servers", bootstrap);
      p.put("acks", "all");
      p.put("enable.idempotence", "true");
      p.put("linger.ms", "0");
      p.put("key.serializer", ByteArraySerializer.class.getName());
      p.put("value.serializer", ByteArraySerializer.class.getName());
      producer = new KafkaProducer<>(p);
      Properties c = new Properties();
      c.put("bootstrap.servers", bootstrap);
      c.put("group.id", group.isEmpty() ? "raw-" + UUID.randomUUID() : group);
      c.put("auto.offset.reset", group.isEmpty() ? "latest" : "earliest");
      c.put("enable.auto.commit", "false");
      c.put("key.deserializer", ByteArrayDeserializer.class.getName());
      c.put("value.deserializer", ByteArrayDeserializer.class.getName());
      consumer = new KafkaConsumer<>(c);
      CountDownLatch assigned = new CountDownLatch(1);
      poller = new Thread(() -> {
        consumer.subscribe(List.of(topic), new org.apache.kafka.clients.consumer.ConsumerRebalanceListener() {
          @Override
          public void onPartitionsRevoked(java.util.Collection<org.apache.kafka.common.TopicPartition> parts) {}

          @Override
          public void onPartitionsAssigned(java.util.Collection<org.apache.kafka.common.TopicPartition> parts) {
            parts.forEach(consumer::position);
            assigned.countDown();
          }
        });
        try {
          while (!closing) {
            var records = consumer.poll(Duration.ofMillis(100));
            for (ConsumerRecord<byte[], byte[]> r : records) {
              sink.get().accept(r.value());
            }
            if (!records.isEmpty()) {
              consumer.commitAsync();
            }
          }
        } catch (WakeupException e) {
          // closing
        } finally {
          consumer.close();
        }
      }, "raw-kafka-poll");
      poller.start();
      if (!assigned.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("raw consumer got no partitions within 30 s");
      }
    }

    @Override
    public CompletableFuture<Void> send(byte[] body) {
      CompletableFuture<Void> f = new CompletableFuture<>();
      producer.send(new ProducerRecord<>(topic, body), (meta, e) -> {
        if (e == null) {
          f.complete(null);
        } else {
          f.completeExceptionally(e);
        }
      });
      return f;
    }

    @Override
    public void close() throws InterruptedException {
      closing = true;
      consumer.wakeup();
      poller.join(10_000);
      producer.close();
    }
  }

  /** A one-node KRaft Kafka in this JVM on 127.0.0.1, data in a temporary directory. */
  static final class EmbeddedKafka implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final KafkaRaftServer server;
    private final Admin admin;

    private EmbeddedKafka(Path dir, int port, KafkaRaftServer server) {
      this.dir = dir;
      this.port = port;
      this.server = server;
      this.admin = Admin.create(Map.of("bootstrap.servers", bootstrap()));
    }

    static EmbeddedKafka start() throws IOException {
      Path dir = Files.createTempDirectory("micro-kafka-bench-");
      int port = freePort();
      int controller = freePort();
      Properties p = new Properties();
      p.put("process.roles", "broker,controller");
      p.put("node.id", "1");
      p.put("controller.quorum.voters", "1@127.0.0.1:" + controller);
      p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller);
      p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
      p.put("controller.listener.names", "CONTROLLER");
      p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
      p.put("inter.broker.listener.name", "PLAINTEXT");
      p.put("log.dirs", dir.resolve("data").toString());
      p.put("offsets.topic.replication.factor", "1");
      p.put("offsets.topic.num.partitions", "1");
      p.put("transaction.state.log.replication.factor", "1");
      p.put("transaction.state.log.min.isr", "1");
      p.put("share.coordinator.state.topic.replication.factor", "1");
      p.put("share.coordinator.state.topic.min.isr", "1");
      p.put("group.initial.rebalance.delay.ms", "0");
      p.put("num.partitions", "1");
      Path config = dir.resolve("server.properties");
      try (OutputStream out = Files.newOutputStream(config)) {
        p.store(out, "benchmark broker");
      }
      int rc = StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c",
          config.toString()}, new PrintStream(OutputStream.nullOutputStream()));
      if (rc != 0) {
        throw new IllegalStateException("kafka storage format failed with " + rc);
      }
      KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(p, false), Time.SYSTEM);
      server.startup();
      return new EmbeddedKafka(dir, port, server);
    }

    String bootstrap() {
      return "127.0.0.1:" + port;
    }

    void createTopic(String topic) throws Exception {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws IOException {
      admin.close();
      server.shutdown();
      server.awaitShutdown();
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }

    private static int freePort() throws IOException {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
        return s.getLocalPort();
      }
    }
  }
}
