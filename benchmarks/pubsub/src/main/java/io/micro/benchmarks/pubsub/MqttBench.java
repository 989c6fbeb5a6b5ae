package io.micro.benchmarks.pubsub;

import io.micro.broker.Event;
import io.micro.broker.SubscribeOptions;
import io.micro.plugins.broker.mqtt.MqttBroker;
import io.micro.testing.ExternalServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Publish-to-deliver throughput and latency of {@link MqttBroker} beside raw Eclipse Paho 1.2.5
 * doing the same work against the same Mosquitto (started here on 127.0.0.1 with a free port), in
 * one JVM.
 *
 * <p>Both clients publish at QoS 1 and complete a publish on its PUBACK; both subscribers
 * acknowledge (manual PUBACK) after the handler returned. Raw Paho publishes the bare body and
 * handles it on Paho's callback thread; ours wraps the body in go-micro's JSON broker message
 * (base64), decodes it and runs the handler on the subscription's dispatcher thread. Two modes:
 * <b>broadcast</b> (a plain subscriber) and <b>queue</b> (one member of a shared subscription
 * {@code $share/<group>/<topic>}).
 *
 * <p>Throughput: {@code messages} publishes with at most {@code window} awaiting their PUBACK,
 * timed from the first publish to the last delivery. Latency: {@code latency} publishes one at a
 * time, each waiting for its delivery; p50 and p99 of publish call to handler. After a warm-up of
 * every cell the runs alternate (raw, ours, raw, ours, ...); the medians are printed as a Markdown
 * table.
 *
 * <p>Usage: {@code java -cp ... io.micro.benchmarks.pubsub.MqttBench [messages=30000]
 * [latency=2000] [runs=3] [size=256] [window=256]}. Needs {@code mosquitto} (Debian package
 * mosquitto).
 */
public final class MqttBench {

  private MqttBench() {}

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
    ExternalServer mosquitto = ExternalServer.builder("mosquitto", "mosquitto")
        .command(s -> List.of(s.binary(), "-c", conf(s).toString()))
        .start();
    try {
      String[] modes = {"broadcast", "queue"};
      String[] clients = {"raw-paho", "micro"};
      Map<String, List<Result>> results = new LinkedHashMap<>();
      int runs = opt.get("runs");
      for (int round = 0; round <= runs; round++) { // round 0 is the warm-up
        for (String mode : modes) {
          for (String client : clients) {
            Result r = measure(mosquitto.address(), mode, client, opt, round == 0 ? 3 : 1);
            System.err.printf(Locale.ROOT, "# %s %-9s %-8s %s%n", round == 0 ? "warm-up" : "run " + round,
                mode, client, r);
            if (round > 0) {
              results.computeIfAbsent(mode + " " + client, k -> new ArrayList<>()).add(r);
            }
          }
        }
      }
      System.out.printf(Locale.ROOT, "%nMQTT broker, QoS 1, %d-byte bodies, Mosquitto on loopback, median of %d "
          + "runs (throughput: %d messages, window %d; latency: %d sequential messages)%n%n",
          opt.get("size"), runs, opt.get("messages"), opt.get("window"), opt.get("latency"));
      System.out.println("| mode | client | msgs/s | p50 µs | p99 µs | micro / raw throughput |");
      System.out.println("|---|---|---:|---:|---:|---:|");
      for (String mode : modes) {
        double raw = BenchSupport.median(results.get(mode + " raw-paho"), Result::rate);
        for (String client : clients) {
          List<Result> rs = results.get(mode + " " + client);
          double rate = BenchSupport.median(rs, Result::rate);
          System.out.printf(Locale.ROOT, "| %s | %s | %,.0f | %.0f | %.0f | %s |%n", mode, client, rate,
              BenchSupport.median(rs, Result::p50), BenchSupport.median(rs, Result::p99),
              client.equals("micro") ? String.format(Locale.ROOT, "%.2f×", rate / raw) : "");
        }
      }
    } finally {
      mosquitto.close();
    }
  }

  private static Path conf(ExternalServer s) {
    Path conf = s.dataDir().resolve("mosquitto.conf");
    try {
      Files.writeString(conf, "listener " + s.port() + " 127.0.0.1\nallow_anonymous true\npersistence false\n"
          + "user " + System.getProperty("user.name") + "\nmax_queued_messages 100000\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return conf;
  }

  /** One measurement: messages per second, latency percentiles in microseconds. */
  record Result(double rate, double p50, double p99) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%,.0f msgs/s, p50 %.0f µs, p99 %.0f µs", rate, p50, p99);
    }
  }

  private static Result measure(String address, String mode, String client, Map<String, Integer> opt, int divide)
      throws Exception {
    String topic = "bench." + mode + "." + client + "." + System.nanoTime();
    String group = mode.equals("queue") ? "bench" + System.nanoTime() : "";
    AtomicReference<Consumer<byte[]>> sink = new AtomicReference<>(b -> { });
    try (Target t = client.equals("micro") ? new Micro(address, topic, group, sink)
        : new Raw(address, topic, group, sink)) {
      int size = opt.get("size");
      // latency: one at a time
      int m = Math.max(10, opt.get("latency") / divide);
      BlockingQueue<Long> lat = new ArrayBlockingQueue<>(1);
      sink.set(b -> lat.add(System.nanoTime() - ByteBuffer.wrap(b).getLong()));
      long[] l = new long[m];
      for (int i = 0; i < m; i++) {
        t.send(BenchSupport.stampedBody(size, (byte) 0)).get(10, TimeUnit.SECONDS);
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
    /** Publishes {@code body}; completes on the PUBACK. */
    CompletableFuture<Void> send(byte[] body);

    @Override
    void close() throws Exception;
  }

  /** Our broker: one for publishing, one subscribing. */
  static final class Micro implements Target {
    private final MqttBroker pub;
    private final MqttBroker sub;
    private final String topic;

    Micro(String address, String topic, String group, AtomicReference<Consumer<byte[]>> sink) {
      this.topic = topic;
      this.pub = MqttBroker.builder().addresses(address).build();
      this.sub = MqttBroker.builder().addresses(address).build();
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

  /** Raw Paho: an async client publishing, another subscribing with manual acknowledgements. */
  static final class Raw implements Target {
    private final MqttAsyncClient pub;
    private final MqttAsyncClient sub;
    private final String topic;

    Raw(String address, String topic, String group, AtomicReference<Consumer<byte[]>> sink) throws MqttException {
      this.topic = topic;
      MqttConnectOptions o = new MqttConnectOptions();
      o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
      o.setMaxInflight(1000);
      pub = new MqttAsyncClient("tcp://" + address, "raw-pub-" + System.nanoTime(), new MemoryPersistence());
      pub.connect(o).waitForCompletion(5000);
      sub = new MqttAsyncClient("tcp://" + address, "raw-sub-" + System.nanoTime(), new MemoryPersistence());
      sub.setManualAcks(true);
      sub.setCallback(new MqttCallback() {
        @Override
        public void connectionLost(Throwable cause) {
          System.err.println("# raw subscriber lost its connection: " + cause);
        }

        @Override
        public void messageArrived(String t, MqttMessage message) throws MqttException {
          sink.get().accept(message.getPayload());
          sub.messageArrivedComplete(message.getId(), message.getQos());
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {}
      });
      sub.connect(o).waitForCompletion(5000);
      sub.subscribe(group.isEmpty() ? topic : "$share/" + group + "/" + topic, 1).waitForCompletion(5000);
    }

    @Override
    public CompletableFuture<Void> send(byte[] body) {
      CompletableFuture<Void> f = new CompletableFuture<>();
      try {
        pub.publish(topic, body, 1, false, null, new IMqttActionListener() {
          @Override
          public void onSuccess(IMqttToken token) {
            f.complete(null);
          }

          @Override
          public void onFailure(IMqttToken token, Throwable e) {
            f.completeExceptionally(e);
          }
        });
      } catch (MqttException e) {
        f.completeExceptionally(e);
      }
      return f;
    }

    @Override
    public void close() throws MqttException {
      sub.disconnect().waitForCompletion(5000);
      sub.close();
      pub.disconnect().waitForCompletion(5000);
      pub.close();
    }
  }
}
