package io.micro.benchmarks.pubsub;

import io.micro.broker.Event;
import io.micro.broker.SubscribeOptions;
import io.micro.plugins.broker.nats.NatsBroker;
import io.micro.testing.ExternalServer;
import io.nats.client.Connection;
import io.nats.client.ConsumeOptions;
import io.nats.client.ConsumerContext;
import io.nats.client.Dispatcher;
import io.nats.client.JetStream;
import io.nats.client.MessageConsumer;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PublishOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Publish-to-deliver throughput and latency of the {@code nats} broker beside raw jnats doing the
 * same work against the same nats-server in the same run, in core NATS and in JetStream mode.
 *
 * <p>Every event carries the go-micro headers ({@code Micro-ID} = its sequence number,
 * {@code Micro-Topic}, {@code Content-Type}) and a body of {@code --size} bytes. Ours puts them in
 * go-micro's JSON message (base64 body), as Go services expect; raw jnats sends the same headers as
 * NATS headers and the body as is. One publishing connection, one subscribing connection; at most
 * {@code --window} events in flight (released when the handler ran), so neither side overruns the
 * subscriber. Core: plain publish, a dispatcher subscription. JetStream: asynchronous publish
 * (stored and acknowledged by the server), a durable pull consumer with explicit ack after the
 * handler, prefetch 128; both send {@code Nats-Msg-Id} for the server's duplicate detection (our
 * default) unless {@code --dedup=false}. Latency is publish call to handler start, same JVM. After one warm-up run
 * of each, runs alternate (ours, raw, ours, raw …) and the medians are printed.
 *
 * <p>Starts its own nats-server on 127.0.0.1 (Debian package nats-server) with JetStream in a
 * temporary directory, unless {@code --address=127.0.0.1:PORT} names a running one.
 *
 * <pre>
 * ./mvnw -q -B -pl benchmarks/pubsub -am package -DskipTests
 * java -cp "$(cat benchmarks/pubsub/target/classpath.txt):benchmarks/pubsub/target/classes" \
 *     io.micro.benchmarks.pubsub.NatsBench --messages=50000 --runs=3 --size=256 --window=1000 --mode=both
 * </pre>
 */
public final class NatsBench {
  private static final int PREFETCH = 128;

  private NatsBench() {}

  /** Runs the benchmark; see the class comment for the arguments. */
  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    for (String a : args) {
      String[] kv = a.replaceFirst("^--", "").split("=", 2);
      opts.put(kv[0], kv.length > 1 ? kv[1] : "true");
    }
    int messages = Integer.parseInt(opts.getOrDefault("messages", "50000"));
    int runs = Integer.parseInt(opts.getOrDefault("runs", "3"));
    int size = Integer.parseInt(opts.getOrDefault("size", "256"));
    int window = Integer.parseInt(opts.getOrDefault("window", "1000"));
    String mode = opts.getOrDefault("mode", "both");
    boolean dedup = Boolean.parseBoolean(opts.getOrDefault("dedup", "true"));
    String address = opts.get("address");
    if (address != null && !address.startsWith("127.0.0.1:") && !address.startsWith("localhost:")) {
      throw new IllegalArgumentException("--address: " + address + " (expected: 127.0.0.1:PORT, loopback only)");
    }
    ExternalServer server = address == null ? ExternalServer.builder("nats-server", "nats-server")
        .command(s -> List.of(s.binary(), "-a", "127.0.0.1", "-p", Integer.toString(s.port()),
            "-js", "-sd", s.dataDir().resolve("js").toString()))
        .start() : null;
    String target = server != null ? server.address() : address;
    try {
      System.out.printf(Locale.ROOT, "nats-server at %s, %d messages of %d bytes, window %d, %d runs each, "
          + "JetStream deduplication %s, Java %s%n", target, messages, size, window, runs, dedup ? "on" : "off",
          Runtime.version());
      List<String> rows = new ArrayList<>();
      if (!mode.equals("jetstream")) {
        rows.addAll(compare(new Bench(target, size, window, false, dedup), messages, runs, "core"));
      }
      if (!mode.equals("core")) {
        rows.addAll(compare(new Bench(target, size, window, true, dedup), messages, runs, "JetStream"));
      }
      System.out.println();
      System.out.println("| mode | client | msgs/s (median) | p50 ms | p99 ms | micro/raw |");
      System.out.println("|---|---|---:|---:|---:|---:|");
      rows.forEach(System.out::println);
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  private static List<String> compare(Bench bench, int messages, int runs, String mode) throws Exception {
    bench.ours(messages); // warm-up: JIT and the server's first stream
    bench.raw(messages);
    List<Result> ours = new ArrayList<>();
    List<Result> raw = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      ours.add(bench.ours(messages));
      System.out.println("  " + mode + " micro nats run " + (i + 1) + ": " + ours.get(i));
      raw.add(bench.raw(messages));
      System.out.println("  " + mode + " raw jnats  run " + (i + 1) + ": " + raw.get(i));
    }
    Result o = Result.median(ours);
    Result r = Result.median(raw);
    return List.of(o.row(mode, "micro nats broker", o.rate / r.rate), r.row(mode, "raw jnats 2.26.2", 1));
  }

  /** Throughput and latency of one run. */
  record Result(double rate, double p50, double p99) {
    static Result of(long[] latency, long elapsedNanos) {
      long[] l = latency.clone();
      Arrays.sort(l);
      return new Result(l.length / (elapsedNanos / 1e9), l[l.length / 2] / 1e6,
          l[Math.min(l.length - 1, (int) Math.ceil(l.length * 0.99) - 1)] / 1e6);
    }

    static Result median(List<Result> rs) {
      return new Result(med(rs.stream().mapToDouble(Result::rate).toArray()),
          med(rs.stream().mapToDouble(Result::p50).toArray()), med(rs.stream().mapToDouble(Result::p99).toArray()));
    }

    private static double med(double[] v) {
      Arrays.sort(v);
      return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    String row(String mode, String name, double ratio) {
      return String.format(Locale.ROOT, "| %s | %s | %,.0f | %.2f | %.2f | %.2f |", mode, name, rate, p50, p99, ratio);
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
    private final boolean jetStream;
    private final boolean dedup;

    Bench(String address, int size, int window, boolean jetStream, boolean dedup) {
      this.dedup = dedup;
      this.address = address;
      this.body = new byte[size];
      Arrays.fill(body, (byte) 'x');
      this.window = window;
      this.jetStream = jetStream;
    }

    Result ours(int n) throws Exception {
      String topic = "bench.ours." + UUID.randomUUID();
      long[] sent = new long[n];
      long[] latency = new long[n];
      CountDownLatch done = new CountDownLatch(n);
      Semaphore inFlight = new Semaphore(window);
      AtomicReference<Throwable> failure = new AtomicReference<>();
      NatsBroker.Builder b = NatsBroker.builder().addresses(address).jetStream(jetStream).prefetch(PREFETCH)
          .deduplicate(dedup);
      try (NatsBroker pub = b.build(); NatsBroker sub = b.build()) {
        pub.connect();
        SubscribeOptions group = jetStream ? SubscribeOptions.builder().queue("bench").build() : SubscribeOptions.DEFAULT;
        sub.subscribe(topic, d -> {
          long now = System.nanoTime();
          String id = d.event().id();
          if (!id.equals("warm")) {
            int seq = Integer.parseInt(id);
            latency[seq] = now - sent[seq];
            inFlight.release();
            done.countDown();
          }
        }, group);
        if (jetStream) {
          pub.publish(topic, event(topic, -1)); // creates the stream before the clock starts
        }
        Thread.sleep(200); // the subscription is effective
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
          inFlight.acquire();
          Event e = event(topic, i);
          sent[i] = System.nanoTime();
          if (jetStream) {
            pub.publishAsync(topic, e).whenComplete((ok, err) -> {
              if (err != null) {
                failure.compareAndSet(null, err);
              }
            });
          } else {
            pub.publish(topic, e);
          }
        }
        await(done, failure, n);
        return Result.of(latency, System.nanoTime() - start);
      }
    }

    private Event event(String topic, int seq) {
      Map<String, String> h = new LinkedHashMap<>();
      h.put(Event.ID, seq < 0 ? "warm" : Integer.toString(seq));
      h.put(Event.TOPIC, topic);
      h.put(Event.CONTENT_TYPE, "application/octet-stream");
      return Event.of(h, body);
    }

    Result raw(int n) throws Exception {
      String topic = "bench.raw." + UUID.randomUUID();
      long[] sent = new long[n];
      long[] latency = new long[n];
      CountDownLatch done = new CountDownLatch(n);
      Semaphore inFlight = new Semaphore(window);
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Options o = new Options.Builder().server("nats://" + address).build();
      try (Connection pub = Nats.connect(o); Connection sub = Nats.connect(o)) {
        io.nats.client.MessageHandler handler = m -> {
          long now = System.nanoTime();
          String id = m.getHeaders().getFirst("Micro-ID");
          if (!id.equals("warm")) {
            int seq = Integer.parseInt(id);
            latency[seq] = now - sent[seq];
            inFlight.release();
            done.countDown();
          }
          if (jetStream) {
            m.ack();
          }
        };
        Dispatcher dispatcher = sub.createDispatcher();
        MessageConsumer consumer = null;
        JetStream js = null;
        String stream = "BENCH_" + topic.replace('.', '_').replace('-', '_');
        if (jetStream) {
          pub.jetStreamManagement().addStream(StreamConfiguration.builder().name(stream).subjects(topic)
              .storageType(StorageType.File).build());
          ConsumerContext cc = sub.getStreamContext(stream).createOrUpdateConsumer(ConsumerConfiguration.builder()
              .durable("bench").filterSubject(topic).ackPolicy(AckPolicy.Explicit).deliverPolicy(DeliverPolicy.New).build());
          consumer = cc.consume(ConsumeOptions.builder().batchSize(PREFETCH).build(), dispatcher, handler);
          js = pub.jetStream();
        } else {
          dispatcher.subscribe(topic, handler::onMessage);
        }
        sub.flush(java.time.Duration.ofSeconds(5));
        Thread.sleep(200);
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
          inFlight.acquire();
          Headers h = new Headers();
          h.put("Micro-ID", Integer.toString(i));
          h.put("Micro-Topic", topic);
          h.put("Content-Type", "application/octet-stream");
          sent[i] = System.nanoTime();
          if (js != null) {
            CompletableFuture<?> f = js.publishAsync(topic, h, body,
                dedup ? PublishOptions.builder().messageId(topic + "/" + i).build() : null);
            f.whenComplete((ok, err) -> {
              if (err != null) {
                failure.compareAndSet(null, err);
              }
            });
          } else {
            pub.publish(topic, h, body);
          }
        }
        await(done, failure, n);
        Result r = Result.of(latency, System.nanoTime() - start);
        if (consumer != null) {
          consumer.close();
          pub.jetStreamManagement().deleteStream(stream);
        }
        return r;
      }
    }

    private static void await(CountDownLatch done, AtomicReference<Throwable> failure, int n) throws Exception {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (!done.await(100, TimeUnit.MILLISECONDS)) {
        if (failure.get() != null) {
          throw new IllegalStateException("a publish failed", failure.get());
        }
        if (System.nanoTime() > end) {
          throw new IllegalStateException("only " + (n - done.getCount()) + " of " + n + " delivered in 120 s");
        }
      }
    }
  }
}
