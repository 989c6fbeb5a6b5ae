package io.micro.benchmarks.pubsub;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.micro.broker.Event;
import io.micro.broker.Subscription;
import io.micro.plugins.broker.rabbitmq.RabbitMqBroker;
import io.micro.testing.ExternalServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Publish-to-deliver throughput and latency of the {@code rabbitmq} broker beside the raw RabbitMQ
 * Java client doing the same work against the same RabbitMQ node in the same run.
 *
 * <p>Both sides: one publishing connection with publisher confirms and a window of events in
 * flight, one consuming connection with a server-named exclusive queue bound to the topic exchange
 * {@code micro}, prefetch 128, manual ack after each message was handled; every message carries
 * the go-micro headers ({@code Micro-ID}, {@code Micro-Topic}, {@code Content-Type}) plus the send
 * time, is persistent and has a body of {@code --size} bytes. Latency is publish call to handler
 * start, in the same JVM. After one warm-up run of each, runs alternate (ours, raw, ours, raw …)
 * and the medians are printed.
 *
 * <p>Starts its own RabbitMQ node on 127.0.0.1 (Debian package rabbitmq-server, run as root like
 * the plugin's tests) unless {@code --address=127.0.0.1:PORT} names a running one.
 *
 * <pre>
 * ./mvnw -q -B -pl benchmarks/pubsub -am package -DskipTests
 * java -cp "$(cat benchmarks/pubsub/target/classpath.txt):benchmarks/pubsub/target/classes" \
 *     io.micro.benchmarks.pubsub.RabbitMqBench --messages=20000 --runs=3 --size=256 --window=256
 * </pre>
 */
public final class RabbitMqBench {
  private static final String EXCHANGE = "micro";
  private static final String SENT = "Bench-Sent";
  private static final String SEQ = "Bench-Seq";
  private static final int PREFETCH = 128;

  private RabbitMqBench() {}

  /** Runs the benchmark; see the class comment for the arguments. */
  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    for (String a : args) {
      String[] kv = a.replaceFirst("^--", "").split("=", 2);
      opts.put(kv[0], kv.length > 1 ? kv[1] : "true");
    }
    int messages = Integer.parseInt(opts.getOrDefault("messages", "20000"));
    int runs = Integer.parseInt(opts.getOrDefault("runs", "3"));
    int size = Integer.parseInt(opts.getOrDefault("size", "256"));
    int window = Integer.parseInt(opts.getOrDefault("window", "256"));
    String address = opts.get("address");
    if (address != null && !address.startsWith("127.0.0.1:") && !address.startsWith("localhost:")) {
      throw new IllegalArgumentException("--address: " + address + " (expected: 127.0.0.1:PORT, loopback only)");
    }
    Node node = address == null ? Node.start() : null;
    String target = node != null ? node.server.address() : address;
    try {
      Bench bench = new Bench(target, size, window);
      System.out.printf(Locale.ROOT, "RabbitMQ at %s, %d messages of %d bytes, window %d, prefetch %d, %d runs each, "
          + "Java %s%n", target, messages, size, window, PREFETCH, runs, Runtime.version());
      bench.ours(Math.min(5000, messages));
      bench.raw(Math.min(5000, messages));
      List<Result> ours = new ArrayList<>();
      List<Result> raw = new ArrayList<>();
      for (int i = 0; i < runs; i++) {
        ours.add(bench.ours(messages));
        System.out.println("  micro rabbitmq  run " + (i + 1) + ": " + ours.get(i));
        raw.add(bench.raw(messages));
        System.out.println("  raw amqp-client run " + (i + 1) + ": " + raw.get(i));
      }
      Result o = Result.median(ours);
      Result r = Result.median(raw);
      System.out.println();
      System.out.println("| client | msgs/s (median) | p50 ms | p99 ms |");
      System.out.println("|---|---:|---:|---:|");
      System.out.println(o.row("micro rabbitmq broker"));
      System.out.println(r.row("raw amqp-client 5.37.1"));
      System.out.printf(Locale.ROOT, "%nthroughput ratio micro/raw: %.2f%n", o.rate / r.rate);
    } finally {
      if (node != null) {
        node.close();
      }
    }
  }

  /** Throughput and latency of one run. */
  record Result(double rate, double p50, double p99) {
    static Result median(List<Result> rs) {
      return new Result(med(rs.stream().mapToDouble(Result::rate).toArray()),
          med(rs.stream().mapToDouble(Result::p50).toArray()), med(rs.stream().mapToDouble(Result::p99).toArray()));
    }

    private static double med(double[] v) {
      Arrays.sort(v);
      return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    String row(String name) {
      return String.format(Locale.ROOT, "| %s | %,.0f | %.2f | %.2f |", name, rate, p50, p99);
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%,.0f msgs/s, p50 %.2f ms, p99 %.2f ms", rate, p50, p99);
    }
  }

  /** The two ways of doing the same work. */
  static final class Bench {
    private final String address;
    private final byte[] body;
    private final int window;

    Bench(String address, int size, int window) {
      this.address = address;
      this.body = new byte[size];
      Arrays.fill(body, (byte) 'x');
      this.window = window;
    }

    Result ours(int n) throws Exception {
      String topic = "bench.ours." + UUID.randomUUID();
      long[] latency = new long[n];
      CountDownLatch done = new CountDownLatch(n);
      RabbitMqBroker pub = RabbitMqBroker.builder().addresses(address).prefetch(PREFETCH).build();
      RabbitMqBroker sub = RabbitMqBroker.builder().addresses(address).prefetch(PREFETCH).build();
      try {
        pub.connect();
        Subscription s = sub.subscribe(topic, d -> {
          long now = System.nanoTime();
          Event e = d.event();
          String seq = e.header(SEQ);
          if (seq == null) {
            return; // warm-up probe
          }
          latency[Integer.parseInt(seq)] = now - Long.parseLong(e.header(SENT));
          done.countDown();
        });
        awaitBound(() -> pub.publish(topic, Event.of(Map.of(Event.ID, "probe"), new byte[0])));
        Semaphore inFlight = new Semaphore(window);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
          inFlight.acquire();
          Map<String, String> h = new LinkedHashMap<>();
          h.put(Event.ID, UUID.randomUUID().toString());
          h.put(Event.TOPIC, topic);
          h.put(Event.CONTENT_TYPE, "application/octet-stream");
          h.put(SEQ, Integer.toString(i));
          h.put(SENT, Long.toString(System.nanoTime()));
          pub.publishAsync(topic, Event.of(h, body)).whenComplete((v, e) -> {
            if (e != null) {
              failed.compareAndSet(null, e);
            }
            inFlight.release();
          });
        }
        boolean all = done.await(120, TimeUnit.SECONDS);
        long elapsed = System.nanoTime() - start;
        if (failed.get() != null || !all) {
          throw new IllegalStateException("ours: " + (n - done.getCount()) + "/" + n + " delivered", failed.get());
        }
        s.unsubscribe();
        return result(n, elapsed, latency);
      } finally {
        pub.close();
        sub.close();
      }
    }

    Result raw(int n) throws Exception {
      String topic = "bench.raw." + UUID.randomUUID();
      long[] latency = new long[n];
      CountDownLatch done = new CountDownLatch(n);
      ConnectionFactory f = new ConnectionFactory();
      f.setHost(address.substring(0, address.lastIndexOf(':')));
      f.setPort(Integer.parseInt(address.substring(address.lastIndexOf(':') + 1)));
      try (Connection pubConn = f.newConnection("bench-raw-pub"); Connection subConn = f.newConnection("bench-raw-sub")) {
        Channel pc = pubConn.createChannel();
        pc.exchangeDeclare(EXCHANGE, "topic", false);
        pc.confirmSelect();
        Semaphore inFlight = new Semaphore(window);
        // confirms: release one permit per confirmed sequence number (multiple acks cover a range)
        java.util.concurrent.ConcurrentSkipListSet<Long> outstanding = new java.util.concurrent.ConcurrentSkipListSet<>();
        AtomicReference<String> nacked = new AtomicReference<>();
        pc.addConfirmListener((seq, multiple) -> {
          release(outstanding, seq, multiple, inFlight);
        }, (seq, multiple) -> {
          nacked.set("nack " + seq);
          release(outstanding, seq, multiple, inFlight);
        });

        Channel sc = subConn.createChannel();
        sc.basicQos(PREFETCH);
        String q = sc.queueDeclare("", false, true, true, null).getQueue();
        sc.queueBind(q, EXCHANGE, topic);
        sc.basicConsume(q, false, new DefaultConsumer(sc) {
          @Override
          public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] b) throws IOException {
            long now = System.nanoTime();
            Map<String, Object> h = props.getHeaders();
            Object seq = h == null ? null : h.get(SEQ);
            if (seq != null) {
              latency[Integer.parseInt(seq.toString())] = now - Long.parseLong(h.get(SENT).toString());
              done.countDown();
            }
            sc.basicAck(env.getDeliveryTag(), false);
          }
        });
        awaitBound(() -> {
          try {
            pc.basicPublish(EXCHANGE, topic, null, new byte[0]);
            pc.waitForConfirmsOrDie(5000);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
          inFlight.acquire();
          Map<String, Object> h = new HashMap<>();
          h.put(Event.ID, UUID.randomUUID().toString());
          h.put(Event.TOPIC, topic);
          h.put(Event.CONTENT_TYPE, "application/octet-stream");
          h.put(SEQ, Integer.toString(i));
          h.put(SENT, Long.toString(System.nanoTime()));
          AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().headers(h)
              .contentType("application/octet-stream").deliveryMode(2).build();
          synchronized (pc) {
            outstanding.add(pc.getNextPublishSeqNo());
            pc.basicPublish(EXCHANGE, topic, false, props, body);
          }
        }
        boolean all = done.await(120, TimeUnit.SECONDS);
        long elapsed = System.nanoTime() - start;
        if (nacked.get() != null || !all) {
          throw new IllegalStateException("raw: " + (n - done.getCount()) + "/" + n + " delivered, " + nacked.get());
        }
        return result(n, elapsed, latency);
      }
    }

    private static void release(java.util.concurrent.ConcurrentSkipListSet<Long> outstanding, long seq, boolean multiple,
        Semaphore inFlight) {
      if (multiple) {
        var head = outstanding.headSet(seq, true);
        int k = head.size();
        head.clear();
        inFlight.release(k);
      } else if (outstanding.remove(seq)) {
        inFlight.release();
      }
    }

    /** Sends probes until the consumer is known to be bound (the queue exists before we start). */
    private static void awaitBound(Runnable probe) throws InterruptedException {
      probe.run();
      Thread.sleep(200);
    }

    private static Result result(int n, long elapsedNanos, long[] latency) {
      long[] sorted = latency.clone();
      Arrays.sort(sorted);
      double rate = n / (elapsedNanos / 1e9);
      return new Result(rate, sorted[(int) (n * 0.50)] / 1e6, sorted[Math.min(n - 1, (int) (n * 0.99))] / 1e6);
    }
  }

  /** A RabbitMQ node of our own on loopback, as the plugin's tests start it (toolchain gotcha 9). */
  static final class Node implements AutoCloseable {
    private static final String SCRIPT = "/usr/lib/rabbitmq/bin/rabbitmq-server";
    final ExternalServer server;
    final int epmdPort;

    private Node(ExternalServer server, int epmdPort) {
      this.server = server;
      this.epmdPort = epmdPort;
    }

    static Node start() {
      int epmd = ExternalServer.findFreePort();
      int dist = ExternalServer.findFreePort();
      ExternalServer server = ExternalServer.builder("rabbitmq-server", "rabbitmq-server")
          .startTimeout(Duration.ofSeconds(90))
          .command(s -> {
            Path dir = s.dataDir();
            try {
              Files.writeString(dir.resolve("rabbitmq.conf"), "listeners.tcp.default = 127.0.0.1:" + s.port()
                  + "\nloopback_users = none\n", StandardCharsets.UTF_8);
              Files.writeString(dir.resolve("enabled_plugins"), "[].\n", StandardCharsets.UTF_8);
              Files.writeString(dir.resolve("rabbitmq-env.conf"), "", StandardCharsets.UTF_8);
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
            return List.of("/usr/bin/env", "HOME=" + dir,
                "RABBITMQ_CONF_ENV_FILE=" + dir.resolve("rabbitmq-env.conf"),
                "RABBITMQ_NODENAME=rabbit-" + s.port() + "@localhost",
                "RABBITMQ_NODE_IP_ADDRESS=127.0.0.1", "RABBITMQ_NODE_PORT=" + s.port(),
                "RABBITMQ_DIST_PORT=" + dist, "ERL_EPMD_PORT=" + epmd, "ERL_EPMD_ADDRESS=127.0.0.1",
                "RABBITMQ_MNESIA_BASE=" + dir.resolve("mnesia"), "RABBITMQ_LOG_BASE=" + dir.resolve("log"),
                "RABBITMQ_CONFIG_FILE=" + dir.resolve("rabbitmq"),
                "RABBITMQ_ADVANCED_CONFIG_FILE=" + dir.resolve("advanced.config"),
                "RABBITMQ_ENABLED_PLUGINS_FILE=" + dir.resolve("enabled_plugins"),
                "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=-kernel inet_dist_use_interface {127,0,0,1}",
                Files.isExecutable(Path.of(SCRIPT)) ? SCRIPT : s.binary());
          })
          .start();
      return new Node(server, epmd);
    }

    @Override
    public void close() throws Exception {
      server.stop();
      ProcessBuilder pb = new ProcessBuilder("epmd", "-kill").redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD);
      pb.environment().put("ERL_EPMD_PORT", Integer.toString(epmdPort));
      try {
        pb.start().waitFor(10, TimeUnit.SECONDS);
      } catch (IOException noEpmd) {
        // nothing to stop
      }
      server.close();
    }
  }
}
