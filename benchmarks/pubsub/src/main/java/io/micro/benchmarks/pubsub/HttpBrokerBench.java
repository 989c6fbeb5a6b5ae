package io.micro.benchmarks.pubsub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micro.broker.Event;
import io.micro.broker.SubscribeOptions;
import io.micro.broker.http.HttpBroker;
import io.micro.registry.memory.MemoryRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufInputStream;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Publish-to-deliver throughput and latency of the built-in {@link HttpBroker} beside a raw peer
 * doing the same work on loopback in the same JVM and run. No external server: the HTTP broker is
 * peer to peer.
 *
 * <ul>
 *   <li><b>micro</b>: a publisher broker and one subscriber broker per member (two processes would
 *       have them), sharing a {@link MemoryRegistry}; {@code publishAsync} completes when the
 *       subscriber answered 200, i.e. after its handler ran on the broker's handler thread.</li>
 *   <li><b>raw</b>: the JDK {@link HttpClient} (HTTP/1.1, own cached pool, as ours) POSTing the
 *       identical go-micro message {@code {"Header":{...},"Body":"<base64>"}} (Jackson, encoded
 *       per message) to {@code /?id=<id>} of a minimal Netty server (one event loop,
 *       {@code HttpServerCodec} + aggregator) that decodes it with Jackson, checks id and topic,
 *       hands the body to the sink on the event loop and answers 200. What our broker does minus
 *       our code: no registry lookup, no request timeout, no retries, no handler-thread hop.</li>
 * </ul>
 * Modes: <b>broadcast</b> (one plain subscriber) and <b>queue</b> (two members of a group; raw
 * picks one of two receivers at random, as ours does). Throughput: {@code messages} publishes with
 * at most {@code window} in flight, from the first publish to the last delivery. Latency:
 * {@code latency} publishes one at a time, p50/p99 of publish-call-to-handler. One warm-up of every
 * cell (a third of the counts), then the runs alternate (raw, micro, raw, micro, ...); medians are
 * printed as a Markdown table with the CPU time of this JVM per message.
 *
 * <p>Usage: {@code java -cp ... io.micro.benchmarks.pubsub.HttpBrokerBench [messages=20000]
 * [latency=2000] [runs=3] [size=256] [window=256]}; {@code -Dmodes=broadcast} (or {@code queue})
 * measures one mode only.
 */
public final class HttpBrokerBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CONTENT_TYPE = "application/octet-stream";

  private HttpBrokerBench() {}

  /** Runs the benchmark; arguments are {@code key=value} (see the class comment). */
  public static void main(String[] args) throws Exception {
    Map<String, Integer> opt = new LinkedHashMap<>(Map.of("messages", 20_000, "latency", 2_000,
        "runs", 3, "size", 256, "window", 256));
    for (String a : args) {
      String[] kv = a.split("=", 2);
      if (kv.length != 2 || !opt.containsKey(kv[0])) {
        throw new IllegalArgumentException("argument " + a + " (expected: one of " + opt.keySet() + "=<number>)");
      }
      opt.put(kv[0], Integer.parseInt(kv[1]));
    }
    String[] modes = System.getProperty("modes", "broadcast,queue").split(",");
    String[] clients = {"raw-jdk-netty", "micro"};
    Map<String, List<Result>> results = new LinkedHashMap<>();
    int runs = opt.get("runs");
    for (int round = 0; round <= runs; round++) { // round 0 is the warm-up
      for (String mode : modes) {
        for (String client : clients) {
          Result r = measure(mode, client, opt, round == 0 ? 3 : 1);
          System.err.printf(Locale.ROOT, "# %s %-9s %-13s %s%n", round == 0 ? "warm-up" : "run " + round,
              mode, client, r);
          if (round > 0) {
            results.computeIfAbsent(mode + " " + client, k -> new ArrayList<>()).add(r);
          }
        }
      }
    }
    System.out.printf(Locale.ROOT, "%nHTTP broker, %d-byte bodies, loopback, JDK %d, median of %d runs "
        + "(throughput: %d messages, window %d; latency: %d sequential messages)%n%n",
        opt.get("size"), Runtime.version().feature(), runs, opt.get("messages"), opt.get("window"),
        opt.get("latency"));
    System.out.println("| mode | client | msgs/s | p50 µs | p99 µs | CPU µs/msg JVM | micro / raw throughput |");
    System.out.println("|---|---|---:|---:|---:|---:|---:|");
    for (String mode : modes) {
      double raw = BenchSupport.median(results.get(mode + " raw-jdk-netty"), Result::rate);
      for (String client : clients) {
        List<Result> rs = results.get(mode + " " + client);
        double rate = BenchSupport.median(rs, Result::rate);
        System.out.printf(Locale.ROOT, "| %s | %s | %,.0f | %.0f | %.0f | %.1f | %s |%n", mode, client, rate,
            BenchSupport.median(rs, Result::p50), BenchSupport.median(rs, Result::p99), BenchSupport.median(rs, Result::jvmCpu),
            client.equals("micro") ? String.format(Locale.ROOT, "%.2f×", rate / raw) : "");
      }
    }
  }

  /** One measurement: messages per second, latency percentiles in microseconds, JVM CPU per message. */
  record Result(double rate, double p50, double p99, double jvmCpu) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%,.0f msgs/s, p50 %.0f µs, p99 %.0f µs, CPU µs/msg JVM %.1f",
          rate, p50, p99, jvmCpu);
    }
  }

  /** CPU time of this JVM, in nanoseconds. */
  private static Result measure(String mode, String client, Map<String, Integer> opt, int divide) throws Exception {
    String topic = "bench." + mode + "." + client + "." + System.nanoTime();
    AtomicReference<Consumer<byte[]>> sink = new AtomicReference<>(b -> { });
    boolean queue = mode.equals("queue");
    try (Target t = client.equals("micro") ? new Micro(topic, queue, sink) : new Raw(topic, queue, sink)) {
      int size = opt.get("size");
      awaitReady(t, sink, mode + " " + client);
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
      if (!delivered.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException(mode + " " + client + ": " + delivered.getCount() + " of " + n
            + " messages not delivered within 60 s (publish failure: " + failed.get() + ")");
      }
      long t1 = System.nanoTime();
      double jvm = (BenchSupport.jvmCpuNanos() - cpu0) / 1e3 / n;
      window.acquire(opt.get("window")); // every answer is in before the target closes
      return new Result(n / ((t1 - t0) / 1e9), l[m / 2] / 1e3, l[(int) Math.ceil(m * 0.99) - 1] / 1e3, jvm);
    }
  }

  /** Publishes probes until one arrives: the publisher has seen the subscribers in the registry. */
  private static void awaitReady(Target t, AtomicReference<Consumer<byte[]>> sink, String what) throws Exception {
    CountDownLatch seen = new CountDownLatch(1);
    sink.set(b -> seen.countDown());
    for (int i = 0; i < 50; i++) {
      t.send(BenchSupport.stampedBody(8, (byte) 'x')).toCompletableFuture().get(10, TimeUnit.SECONDS);
      if (seen.await(100, TimeUnit.MILLISECONDS)) {
        return;
      }
    }
    throw new IllegalStateException(what + ": no probe delivered within 5 s");
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** One client under test. */
  private interface Target extends AutoCloseable {
    CompletionStage<?> send(byte[] body);

    @Override
    void close() throws Exception;
  }

  /** Our broker: a publisher and one subscriber broker per member, one registry. */
  private static final class Micro implements Target {
    private final MemoryRegistry registry = MemoryRegistry.create();
    private final HttpBroker pub;
    private final List<HttpBroker> subs = new ArrayList<>();
    private final String topic;
    private final Map<String, String> headers;

    Micro(String topic, boolean queue, AtomicReference<Consumer<byte[]>> sink) {
      this.topic = topic;
      this.headers = Map.of(Event.CONTENT_TYPE, CONTENT_TYPE, Event.TOPIC, topic);
      SubscribeOptions o = queue ? SubscribeOptions.builder().queue("bench").build() : SubscribeOptions.DEFAULT;
      for (int i = 0; i < (queue ? 2 : 1); i++) {
        HttpBroker sub = HttpBroker.builder().registry(registry).build();
        subs.add(sub);
        sub.subscribe(topic, d -> sink.get().accept(d.event().body()), o);
      }
      this.pub = HttpBroker.builder().registry(registry).build();
      pub.connect();
    }

    @Override
    public CompletionStage<?> send(byte[] body) {
      return pub.publishAsync(topic, Event.of(headers, body));
    }

    @Override
    public void close() {
      pub.close();
      subs.forEach(HttpBroker::close);
      registry.close();
    }
  }

  /** The JDK HttpClient POSTing go-micro's JSON message to one of minimal Netty receivers. */
  private static final class Raw implements Target {
    private final List<Receiver> receivers = new ArrayList<>();
    private final List<URI> uris = new ArrayList<>();
    private final ExecutorService pool;
    private final HttpClient http;
    private final Map<String, String> headers;

    Raw(String topic, boolean queue, AtomicReference<Consumer<byte[]>> sink) {
      this.headers = new LinkedHashMap<>();
      headers.put(Event.CONTENT_TYPE, CONTENT_TYPE);
      headers.put(Event.TOPIC, topic);
      for (int i = 0; i < (queue ? 2 : 1); i++) {
        String id = topic + "-" + i;
        Receiver r = new Receiver(id, topic, sink);
        receivers.add(r);
        uris.add(URI.create("http://127.0.0.1:" + r.port() + "/?id=" + id));
      }
      AtomicInteger n = new AtomicInteger();
      this.pool = Executors.newCachedThreadPool(r -> daemon(r, "raw-http-client-" + n.incrementAndGet()));
      this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(pool).build();
    }

    @Override
    public CompletionStage<?> send(byte[] body) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("Header", headers);
      m.put("Body", Base64.getEncoder().encodeToString(body));
      byte[] wire;
      try {
        wire = JSON.writeValueAsBytes(m);
      } catch (IOException e) {
        return CompletableFuture.failedFuture(e);
      }
      URI uri = uris.size() == 1 ? uris.get(0) : uris.get(ThreadLocalRandom.current().nextInt(uris.size()));
      HttpRequest req = HttpRequest.newBuilder(uri)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(wire))
          .build();
      return http.sendAsync(req, HttpResponse.BodyHandlers.discarding()).thenApply(rsp -> {
        if (rsp.statusCode() != 200) {
          throw new IllegalStateException("raw receiver answered " + rsp.statusCode() + " (expected: 200)");
        }
        return rsp;
      });
    }

    @Override
    public void close() {
      receivers.forEach(Receiver::close);
      pool.shutdownNow();
    }
  }

  /** A minimal Netty HTTP/1.1 receiver: decode the go-micro message, check id and topic, count, 200. */
  private static final class Receiver {
    private final EventLoopGroup group;
    private final Channel channel;

    Receiver(String id, String topic, AtomicReference<Consumer<byte[]>> sink) {
      group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("raw-receiver", true),
          NioIoHandler.newFactory());
      channel = new ServerBootstrap()
          .group(group)
          .channel(NioServerSocketChannel.class)
          .option(ChannelOption.SO_BACKLOG, 1024)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline()
                  .addLast(new HttpServerCodec())
                  .addLast(new HttpObjectAggregator(1 << 20))
                  .addLast(new SimpleChannelInboundHandler<FullHttpRequest>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) throws IOException {
                      List<String> ids = new QueryStringDecoder(req.uri()).parameters().get("id");
                      JsonNode msg = JSON.readTree(new ByteBufInputStream(req.content()));
                      HttpResponseStatus status = HttpResponseStatus.OK;
                      if (ids == null || !ids.get(0).equals(id)) {
                        status = HttpResponseStatus.NOT_FOUND;
                      } else if (!topic.equals(msg.path("Header").path(Event.TOPIC).asText())) {
                        status = HttpResponseStatus.INTERNAL_SERVER_ERROR;
                      } else {
                        sink.get().accept(msg.path("Body").binaryValue());
                      }
                      FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status);
                      r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
                      HttpUtil.setKeepAlive(r, HttpUtil.isKeepAlive(req));
                      ctx.writeAndFlush(r);
                    }
                  });
            }
          })
          .bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
    }

    int port() {
      return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    void close() {
      channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }
  }
}
