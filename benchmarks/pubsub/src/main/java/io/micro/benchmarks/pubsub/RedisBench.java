package io.micro.benchmarks.pubsub;

import io.lettuce.core.Consumer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.micro.broker.Event;
import io.micro.broker.SubscribeOptions;
import io.micro.plugins.broker.redis.RedisBroker;
import io.micro.testing.ExternalServer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;


/**
 * Publish-to-deliver throughput and latency of {@link RedisBroker} beside raw Lettuce doing the same
 * work against the same redis-server (started here on 127.0.0.1 with a free port), in one JVM.
 *
 * <p>Two modes, each measured for both clients:
 * <ul>
 *   <li><b>broadcast</b>: a plain subscriber. Raw: {@code PUBLISH} of the body, a pub/sub listener.
 *       Ours: {@code EVALSHA} of the publish script (go-micro's JSON message, {@code XADD
 *       NOMKSTREAM}, {@code PUBLISH}), the listener decodes and hands to the subscriber's thread.</li>
 *   <li><b>queue</b>: one member of a consumer group. Raw: {@code XADD MAXLEN ~ 100000} of the body,
 *       a thread looping {@code XREADGROUP COUNT 64 BLOCK}, one async {@code XACK} per entry. Ours:
 *       the same script, then our subscription's loop ({@code XREADGROUP}, handler, {@code XACK}).</li>
 * </ul>
 * Throughput: {@code messages} publishes kept at most {@code window} in flight (async), from the
 * first publish to the last delivery. Latency: {@code latency} publishes one at a time, each waiting
 * for its delivery; p50 and p99 of publish-call-to-handler time. After one warm-up of each cell the
 * runs alternate (raw, ours, raw, ours, ...) and the medians are printed as a Markdown table. The
 * CPU time per message of this JVM (both clients' publisher and subscriber) and of redis-server
 * ({@code INFO cpu}) during the throughput phase is printed too: on a busy machine it is steadier
 * than the rates.
 *
 * <p>Usage: {@code java -cp ... io.micro.benchmarks.pubsub.RedisBench [messages=30000]
 * [latency=2000] [runs=3] [size=256] [window=256]}; {@code -Dmodes=broadcast} (or {@code queue})
 * measures one mode only. Needs {@code redis-server} (Debian package redis-server).
 */
public final class RedisBench {
  private static final byte[] FIELD = "body".getBytes(StandardCharsets.US_ASCII);

  private RedisBench() {}

  /** Runs the benchmark; arguments are {@code key=value} (see the class comment). */
  public static void main(String[] args) throws Exception {
    Map<String, Integer> opt = new LinkedHashMap<>(Map.of("messages", 30_000, "latency", 2_000,
        "runs", 3, "size", 256, "window", 256));
    for (String a : args) {
      String[] kv = a.split("=", 2);
      if (kv.length != 2 || !opt.containsKey(kv[0])) {
        throw new IllegalArgumentException("argument " + a + " (expected: one of " + opt.keySet() + "=<number>)");
      }
      opt.put(kv[0], Integer.parseInt(kv[1]));
    }
    ExternalServer redis = ExternalServer.builder("redis-server", "redis-server")
        .command(s -> List.of(s.binary(), "--bind", "127.0.0.1", "--port", Integer.toString(s.port()),
            "--save", "", "--appendonly", "no", "--dir", s.dataDir().toString()))
        .start();
    try {
      String[] modes = System.getProperty("modes", "broadcast,queue").split(",");
      String[] clients = {"raw-lettuce", "micro"};
      Map<String, List<Result>> results = new LinkedHashMap<>();
      int runs = opt.get("runs");
      for (int round = 0; round <= runs; round++) { // round 0 is the warm-up
        for (String mode : modes) {
          for (String client : clients) {
            Result r = measure(redis, mode, client, opt, round == 0 ? 3 : 1);
            System.err.printf(Locale.ROOT, "# %s %-7s %-11s %s%n", round == 0 ? "warm-up" : "run " + round,
                mode, client, r);
            if (round > 0) {
              results.computeIfAbsent(mode + " " + client, k -> new ArrayList<>()).add(r);
            }
          }
        }
      }
      System.out.printf(Locale.ROOT, "%nRedis broker, %d-byte bodies, redis-server on loopback, median of %d runs "
          + "(throughput: %d messages, window %d; latency: %d sequential messages)%n%n",
          opt.get("size"), runs, opt.get("messages"), opt.get("window"), opt.get("latency"));
      System.out.println("| mode | client | msgs/s | p50 µs | p99 µs | CPU µs/msg JVM | CPU µs/msg redis | micro / raw throughput |");
      System.out.println("|---|---|---:|---:|---:|---:|---:|---:|");
      for (String mode : modes) {
        double raw = BenchSupport.median(results.get(mode + " raw-lettuce"), Result::rate);
        for (String client : clients) {
          List<Result> rs = results.get(mode + " " + client);
          double rate = BenchSupport.median(rs, Result::rate);
          System.out.printf(Locale.ROOT, "| %s | %s | %,.0f | %.0f | %.0f | %.1f | %.1f | %s |%n", mode, client, rate,
              BenchSupport.median(rs, Result::p50), BenchSupport.median(rs, Result::p99), BenchSupport.median(rs, Result::jvmCpu),
              BenchSupport.median(rs, Result::redisCpu),
              client.equals("micro") ? String.format(Locale.ROOT, "%.2f×", rate / raw) : "");
        }
      }
    } finally {
      redis.close();
    }
  }

  /** One measurement: messages per second, latency percentiles in microseconds. */
  record Result(double rate, double p50, double p99, double jvmCpu, double redisCpu) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%,.0f msgs/s, p50 %.0f µs, p99 %.0f µs, CPU µs/msg: JVM %.1f redis %.1f",
          rate, p50, p99, jvmCpu, redisCpu);
    }
  }

  /** CPU time of this JVM, in nanoseconds. */
  /** CPU time redis-server used so far (INFO cpu), in nanoseconds. */
  private static long redisCpu(ExternalServer redis) {
    RedisClient c = RedisClient.create(RedisURI.create("127.0.0.1", redis.port()));
    try (StatefulRedisConnection<String, String> conn = c.connect()) {
      double seconds = 0;
      for (String line : conn.sync().info("cpu").split("\r?\n")) {
        if (line.startsWith("used_cpu_user:") || line.startsWith("used_cpu_sys:")) {
          seconds += Double.parseDouble(line.substring(line.indexOf(':') + 1).strip());
        }
      }
      return (long) (seconds * 1e9);
    } finally {
      c.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }
  }

  private static Result measure(ExternalServer redis, String mode, String client, Map<String, Integer> opt,
      int divide) throws Exception {
    String topic = "bench." + mode + "." + client + "." + System.nanoTime();
    AtomicReference<java.util.function.Consumer<byte[]>> sink = new AtomicReference<>(b -> { });
    try (Target t = client.equals("micro") ? new Micro(redis, topic, mode, sink) : new Raw(redis, topic, mode, sink)) {
      int size = opt.get("size");
      // latency: one at a time
      int m = Math.max(10, opt.get("latency") / divide);
      BlockingQueue<Long> lat = new ArrayBlockingQueue<>(1);
      sink.set(b -> lat.add(System.nanoTime() - ByteBuffer.wrap(b).getLong()));
      long[] l = new long[m];
      for (int i = 0; i < m; i++) {
        t.send(BenchSupport.stampedBody(size, (byte) 'x')).toCompletableFuture().get(10, TimeUnit.SECONDS);
        Long v = lat.poll(10, TimeUnit.SECONDS);
        if (v == null) {
          throw new IllegalStateException(mode + " " + client + ": message " + i + " not delivered within 10 s");
        }
        l[i] = v;
      }
      Arrays.sort(l);
      // throughput: a window of publishes in flight
      int n = Math.max(100, opt.get("messages") / divide);
      CountDownLatch delivered = new CountDownLatch(n);
      sink.set(b -> delivered.countDown());
      Semaphore window = new Semaphore(opt.get("window"));
      AtomicReference<Throwable> failed = new AtomicReference<>();
      long redis0 = redisCpu(redis);
      long cpu0 = BenchSupport.jvmCpuNanos();
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        window.acquire();
        t.send(BenchSupport.stampedBody(size, (byte) 'x')).whenComplete((x, e) -> {
          window.release();
          if (e != null) {
            failed.compareAndSet(null, e);
          }
        });
      }
      if (!delivered.await(120, TimeUnit.SECONDS)) {
        throw new IllegalStateException(mode + " " + client + ": " + delivered.getCount() + " of " + n
            + " messages not delivered within 120 s (publish failure: " + failed.get() + ")");
      }
      long t1 = System.nanoTime();
      double jvm = (BenchSupport.jvmCpuNanos() - cpu0) / 1e3 / n;
      double server = (redisCpu(redis) - redis0) / 1e3 / n;
      return new Result(n / ((t1 - t0) / 1e9), l[m / 2] / 1e3, l[(int) Math.ceil(m * 0.99) - 1] / 1e3, jvm, server);
    }
  }

  /** One client under test. */
  private interface Target extends AutoCloseable {
    CompletionStage<?> send(byte[] body);

    @Override
    void close() throws Exception;
  }

  /** Our broker: a publisher and a subscriber, as two processes would have. */
  private static final class Micro implements Target {
    private final RedisBroker pub;
    private final RedisBroker sub;
    private final String topic;
    private final Map<String, String> headers;

    Micro(ExternalServer redis, String topic, String mode, AtomicReference<java.util.function.Consumer<byte[]>> sink) {
      this.topic = topic;
      this.pub = RedisBroker.builder().address(redis.address()).build();
      this.sub = RedisBroker.builder().address(redis.address()).build();
      this.headers = Map.of(Event.CONTENT_TYPE, "application/octet-stream", Event.TOPIC, topic);
      pub.connect();
      SubscribeOptions o = mode.equals("queue") ? SubscribeOptions.builder().queue("bench").build()
          : SubscribeOptions.DEFAULT;
      sub.subscribe(topic, d -> sink.get().accept(d.event().body()), o);
    }

    @Override
    public CompletionStage<?> send(byte[] body) {
      return pub.publishAsync(topic, Event.of(headers, body));
    }

    @Override
    public void close() {
      sub.close();
      pub.close();
    }
  }

  /** Raw Lettuce doing the same: PUBLISH + listener, or XADD + XREADGROUP loop + XACK. */
  private static final class Raw implements Target {
    private final RedisClient client;
    private final StatefulRedisConnection<byte[], byte[]> pub;
    private final byte[] channel;
    private final byte[] key;
    private final boolean queue;
    private StatefulRedisPubSubConnection<byte[], byte[]> listener;
    private StatefulRedisConnection<byte[], byte[]> reader;
    private Thread loop;
    private volatile boolean running = true;

    Raw(ExternalServer redis, String topic, String mode, AtomicReference<java.util.function.Consumer<byte[]>> sink) {
      this.client = RedisClient.create(RedisURI.create("127.0.0.1", redis.port()));
      this.pub = client.connect(ByteArrayCodec.INSTANCE);
      this.channel = topic.getBytes(StandardCharsets.UTF_8);
      this.key = ("raw:" + topic).getBytes(StandardCharsets.UTF_8);
      this.queue = mode.equals("queue");
      if (queue) {
        byte[] group = "bench".getBytes(StandardCharsets.UTF_8);
        pub.sync().xgroupCreate(XReadArgs.StreamOffset.from(key, "$"), group, new XGroupCreateArgs().mkstream(true));
        reader = client.connect(ByteArrayCodec.INSTANCE);
        Consumer<byte[]> me = Consumer.from(group, "c1".getBytes(StandardCharsets.UTF_8));
        loop = new Thread(() -> {
          while (running) {
            try {
              List<StreamMessage<byte[], byte[]>> batch = reader.sync().xreadgroup(me,
                  XReadArgs.Builder.block(100).count(64), XReadArgs.StreamOffset.lastConsumed(key));
              for (StreamMessage<byte[], byte[]> m : batch) {
                sink.get().accept(m.getBody().values().iterator().next());
                pub.async().xack(key, group, m.getId());
              }
            } catch (RuntimeException e) {
              if (running) {
                throw e;
              }
            }
          }
        }, "raw-reader");
        loop.setDaemon(true);
        loop.start();
      } else {
        listener = client.connectPubSub(ByteArrayCodec.INSTANCE);
        listener.addListener(new RedisPubSubAdapter<>() {
          @Override
          public void message(byte[] ch, byte[] message) {
            sink.get().accept(message);
          }
        });
        listener.sync().subscribe(channel);
      }
    }

    @Override
    public CompletionStage<?> send(byte[] body) {
      if (queue) {
        return pub.async().xadd(key, XAddArgs.Builder.maxlen(100_000).approximateTrimming(), FIELD, body);
      }
      return pub.async().publish(channel, body);
    }

    @Override
    public void close() throws Exception {
      running = false;
      if (loop != null) {
        loop.join(2000);
        reader.close();
      }
      if (listener != null) {
        listener.close();
      }
      pub.close();
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }
}
