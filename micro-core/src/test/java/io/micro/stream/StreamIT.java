package io.micro.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micro.client.AsyncClientStream;
import io.micro.client.CallOptions;
import io.micro.client.Client;
import io.micro.client.ClientStream;
import io.micro.client.Request;
import io.micro.errors.MicroException;
import io.micro.metadata.Metadata;
import io.micro.server.Server;
import io.micro.transport.Transport;
import io.micro.transport.http.HttpTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Streams between the real server and the real client over the HTTP transport on loopback: the
 * three kinds, errors, cancellation from both sides, deadlines, backpressure and concurrency.
 */
@Timeout(60)
class StreamIT {
  static final String SERVICE = "go.micro.srv.streams";

  public record Num(int n) {}

  public record Blob(int n, String data) {}

  public record Sum(int total, int count) {}

  /** The stream handlers under test. */
  public static final class Streams {
    final AtomicInteger sent = new AtomicInteger();
    final LinkedBlockingQueue<Throwable> seen = new LinkedBlockingQueue<>();
    final CountDownLatch started = new CountDownLatch(1);

    /** Server streaming: 0..n-1. */
    public void count(Num req, StreamSender<Num> out) {
      for (int i = 0; i < req.n(); i++) {
        out.send(new Num(i));
      }
    }

    /** Server streaming of large messages. */
    public void blobs(Num req, StreamSender<Blob> out) {
      String big = "x".repeat(1024 * 1024);
      for (int i = 0; i < req.n(); i++) {
        out.send(new Blob(i, big));
      }
    }

    /** Client streaming: the sum of the numbers. */
    public Sum sum(Metadata md, StreamReceiver<Num> in) {
      int total = 0;
      int count = 0;
      for (Num n = in.receive(); n != null; n = in.receive()) {
        total += n.n();
        count++;
      }
      return new Sum(total, count);
    }

    /** Bidirectional: echoes each number times ten. */
    public void echo(BidiStream<Num, Num> s) {
      s.forEach(n -> s.send(new Num(n.n() * 10)));
    }

    /** Sends three numbers, then fails. */
    public void failAfterThree(Num req, StreamSender<Num> out) {
      for (int i = 0; i < 3; i++) {
        out.send(new Num(i));
      }
      throw MicroException.conflict(SERVICE, "stop at %d", 3);
    }

    /** Sends until sending fails (the client cancelled), recording what send threw. */
    public void endless(Num req, StreamSender<Num> out) {
      started.countDown();
      try {
        for (int i = 0; ; i++) {
          out.send(new Num(i));
          sent.incrementAndGet();
        }
      } catch (MicroException e) {
        seen.add(e);
        throw e;
      }
    }

    /** Receives until receiving fails, recording what receive threw. */
    public Sum drain(StreamReceiver<Num> in) {
      started.countDown();
      try {
        int c = 0;
        while (in.receive() != null) {
          c++;
        }
        return new Sum(0, c);
      } catch (MicroException e) {
        seen.add(e);
        throw e;
      }
    }

    final AtomicInteger received = new AtomicInteger();
    final CountDownLatch release = new CountDownLatch(1);

    /** Client streaming: takes two, then refuses. */
    public Sum rejectAfterTwo(StreamReceiver<Num> in) {
      in.receive();
      in.receive();
      throw MicroException.badRequest(SERVICE, "two is enough");
    }

    /** Client streaming: takes one message, waits for the test, then takes the rest. */
    public Sum slowSink(StreamReceiver<Blob> in) throws InterruptedException {
      in.receive();
      received.incrementAndGet();
      started.countDown();
      release.await(30, TimeUnit.SECONDS);
      while (in.receive() != null) {
        received.incrementAndGet();
      }
      return new Sum(0, received.get());
    }

    /** Large messages as fast as the client takes them, counting sends. */
    public void flood(Num req, StreamSender<Blob> out) {
      String chunk = "y".repeat(64 * 1024);
      started.countDown();
      try {
        for (int i = 0; i < req.n(); i++) {
          out.send(new Blob(i, chunk));
          sent.incrementAndGet();
        }
      } catch (MicroException e) {
        seen.add(e);
        throw e;
      }
    }
  }

  /** A unary handler on the same server. */
  public static final class Unary {
    public Sum hello(Num n) {
      return new Sum(n.n(), 1);
    }
  }

  private Transport transport;
  private Server server;
  private Client client;
  private Streams handler;
  private CallOptions direct;

  @BeforeEach
  void setUp() {
    transport = HttpTransport.create();
    handler = new Streams();
    server = Server.builder().name(SERVICE).transport(transport).build().handle("Streams", handler)
        .handle(new Unary());
    server.start();
    client = Client.builder().transport(transport).build();
    direct = CallOptions.DEFAULT.withAddress(server.address());
  }

  @AfterEach
  void tearDown() {
    client.close();
    server.close();
    transport.close();
  }

  private Request req(String endpoint, Object body) {
    return Request.json(SERVICE, endpoint, body);
  }

  @Test
  void serverStreamingDeliversManyMessagesInOrderThenEnds() {
    try (ClientStream<Object, Num> s = client.serverStream(req("Streams.Count", new Num(5000)), Num.class, direct)) {
      List<Integer> got = new ArrayList<>();
      s.forEach(n -> got.add(n.n()));
      assertThat(got).hasSize(5000);
      for (int i = 0; i < got.size(); i++) {
        assertThat(got.get(i)).isEqualTo(i);
      }
      assertThat(s.receive()).isNull();
    }
  }

  @Test
  void largeMessagesTravelWhole() {
    try (ClientStream<Object, Blob> s = client.serverStream(req("Streams.Blobs", new Num(6)), Blob.class, direct)) {
      int count = 0;
      for (Blob b = s.receive(); b != null; b = s.receive()) {
        assertThat(b.n()).isEqualTo(count++);
        assertThat(b.data()).hasSize(1024 * 1024);
      }
      assertThat(count).isEqualTo(6);
    }
  }

  @Test
  void clientStreamingSendsManyAndGetsOneResponse() {
    try (ClientStream<Num, Sum> s = client.stream(req("Streams.Sum", Map.of()), Sum.class, direct)) {
      for (int i = 1; i <= 1000; i++) {
        s.send(new Num(i));
      }
      s.closeSend();
      assertThat(s.receive()).isEqualTo(new Sum(500500, 1000));
      assertThat(s.receive()).isNull();
    }
  }

  @Test
  void bidirectionalStreamsInterleave() throws Exception {
    try (ClientStream<Num, Num> s = client.stream(req("Streams.Echo", Map.of()), Num.class, direct)) {
      for (int i = 0; i < 100; i++) {
        s.send(new Num(i));
        assertThat(s.receive()).isEqualTo(new Num(i * 10));
      }
      ExecutorService sender = Executors.newSingleThreadExecutor();
      try {
        Future<?> sending = sender.submit(() -> {
          for (int i = 0; i < 2000; i++) {
            s.send(new Num(i));
          }
          s.closeSend();
        });
        int count = 0;
        for (Num n = s.receive(); n != null; n = s.receive()) {
          assertThat(n.n()).isEqualTo(count++ * 10);
        }
        sending.get(30, TimeUnit.SECONDS);
        assertThat(count).isEqualTo(2000);
      } finally {
        sender.shutdownNow();
      }
    }
  }

  @Test
  void anErrorMidStreamReachesTheClientAfterTheMessagesBeforeIt() throws Exception {
    try (ClientStream<Object, Num> s = client.serverStream(req("Streams.FailAfterThree", new Num(0)), Num.class, direct)) {
      Thread.sleep(300); // let the error arrive behind the messages: they still come first
      assertThat(s.receive()).isEqualTo(new Num(0));
      assertThat(s.receive()).isEqualTo(new Num(1));
      assertThat(s.receive()).isEqualTo(new Num(2));
      assertThatThrownBy(s::receive).isInstanceOfSatisfying(MicroException.class, e -> {
        assertThat(e.code()).isEqualTo(409);
        assertThat(e.detail()).isEqualTo("stop at 3");
        assertThat(e.id()).isEqualTo(SERVICE);
      });
      assertThatThrownBy(() -> s.send(new Num(1))).isInstanceOf(MicroException.class);
    }
  }

  @Test
  void anUnknownEndpointFailsTheStreamWith404() {
    try (ClientStream<Object, Num> s = client.serverStream(req("Streams.Nope", new Num(0)), Num.class, direct)) {
      assertThatThrownBy(s::receive).isInstanceOfSatisfying(MicroException.class,
          e -> assertThat(e.code()).isEqualTo(404));
    }
  }

  @Test
  void clientCancellationMakesTheServersSendFail() throws Exception {
    ClientStream<Object, Num> s = client.serverStream(req("Streams.Endless", new Num(0)), Num.class, direct);
    assertThat(s.receive()).isEqualTo(new Num(0));
    s.cancel();
    Throwable seen = handler.seen.poll(20, TimeUnit.SECONDS);
    assertThat(seen).isInstanceOf(MicroException.class);
    assertThat(((MicroException) seen).code()).isEqualTo(499);
    assertThatThrownBy(s::receive).isInstanceOfSatisfying(MicroException.class,
        e -> assertThat(e.code()).isEqualTo(499));
    s.close();
  }

  @Test
  void clientCancellationMakesTheServersReceiveFail() throws Exception {
    ClientStream<Num, Sum> s = client.stream(req("Streams.Drain", Map.of()), Sum.class, direct);
    s.send(new Num(1));
    assertThat(handler.started.await(10, TimeUnit.SECONDS)).isTrue();
    s.cancel();
    Throwable seen = handler.seen.poll(20, TimeUnit.SECONDS);
    assertThat(seen).isInstanceOf(MicroException.class);
    assertThat(((MicroException) seen).code()).isEqualTo(499);
  }

  @Test
  void theDeadlineEndsAStreamOnBothSides() throws Exception {
    ClientStream<Num, Sum> s = client.stream(req("Streams.Drain", Map.of()), Sum.class,
        direct.withTimeout(Duration.ofMillis(500)));
    s.send(new Num(1));
    assertThatThrownBy(s::receive).isInstanceOfSatisfying(MicroException.class,
        e -> assertThat(e.code()).isEqualTo(408));
    Throwable seen = handler.seen.poll(20, TimeUnit.SECONDS);
    assertThat(seen).isInstanceOf(MicroException.class);
    assertThat(((MicroException) seen).code()).isIn(408, 499);
    s.close();
  }

  @Test
  void aSlowReceiverBoundsWhatTheServerHasInFlight() throws Exception {
    int total = 2000; // 2000 x 64 KiB = 125 MiB if nothing pushed back
    ClientStream<Object, Blob> s = client.serverStream(req("Streams.Flood", new Num(total)), Blob.class, direct);
    assertThat(s.receive()).isNotNull();
    // wait until the server's sends stop advancing: it is blocked by flow control
    int last = -1;
    while (handler.sent.get() != last) {
      last = handler.sent.get();
      Thread.sleep(300);
    }
    // buffers on the way: the stream's window, both connection queues, the client's read-ahead and
    // the kernel's socket buffers (a few MiB on loopback): far below the total
    assertThat(handler.sent.get()).isLessThan(400);
    int received = 1;
    while (s.receive() != null) {
      received++;
    }
    assertThat(received).isEqualTo(total);
    s.close();
  }

  @Test
  void aServerFailureStopsAClientThatIsStillSending() {
    ClientStream<Num, Sum> s = client.stream(req("Streams.RejectAfterTwo", Map.of()), Sum.class, direct);
    MicroException failed = null;
    for (int i = 0; i < 100_000 && failed == null; i++) {
      try {
        s.send(new Num(i));
      } catch (MicroException e) {
        failed = e;
      }
    }
    assertThat(failed).isNotNull();
    assertThat(failed.code()).isEqualTo(400);
    assertThat(failed.detail()).isEqualTo("two is enough");
    assertThatThrownBy(s::receive).isInstanceOfSatisfying(MicroException.class,
        e -> assertThat(e.code()).isEqualTo(400));
    s.close();
  }

  @Test
  void aSlowHandlerMakesTheClientsSendBlockInsteadOfBuffering() throws Exception {
    int total = 2000; // 2000 x 64 KiB = 125 MiB if nothing pushed back
    String chunk = "z".repeat(64 * 1024);
    AtomicInteger sent = new AtomicInteger();
    ClientStream<Blob, Sum> s = client.stream(req("Streams.SlowSink", Map.of()), Sum.class, direct);
    ExecutorService sender = Executors.newSingleThreadExecutor();
    try {
      Future<?> sending = sender.submit(() -> {
        for (int i = 0; i < total; i++) {
          s.send(new Blob(i, chunk));
          sent.incrementAndGet();
        }
        s.closeSend();
      });
      assertThat(handler.started.await(20, TimeUnit.SECONDS)).isTrue();
      int last = -1;
      while (sent.get() != last) {
        last = sent.get();
        Thread.sleep(300);
      }
      assertThat(sent.get()).isLessThan(400);
      assertThat(sending).isNotDone();
      handler.release.countDown();
      sending.get(60, TimeUnit.SECONDS);
      assertThat(s.receive()).isEqualTo(new Sum(0, total));
    } finally {
      sender.shutdownNow();
      s.close();
    }
  }

  @Test
  void concurrentStreamsOnOneClientAndUnaryCallsStayIndependent() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(9);
    try {
      Future<String> unary = pool.submit(() -> {
        String last = "";
        for (int i = 0; i < 200; i++) {
          last = client.call(Request.json(SERVICE, "Unary.Hello", new Num(i)), Sum.class,
              direct).toString();
        }
        return last;
      });
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int n = 200 + t;
        results.add(pool.submit(() -> {
          try (ClientStream<Object, Num> s = client.serverStream(req("Streams.Count", new Num(n)), Num.class, direct)) {
            int c = 0;
            while (s.receive() != null) {
              c++;
            }
            return c;
          }
        }));
      }
      for (int t = 0; t < 8; t++) {
        assertThat(results.get(t).get(30, TimeUnit.SECONDS)).isEqualTo(200 + t);
      }
      assertThat(unary.get(30, TimeUnit.SECONDS)).isEqualTo(new Sum(199, 1).toString());
    } finally {
      pool.shutdownNow();
    }
  }

  /** Holds the proxy interface, named like the handler. */
  static final class Api {
    /** The stream endpoints as a typed proxy sees them. */
    public interface Streams {
      ClientStream<Object, Num> count(Num req);

      ClientStream<Num, Sum> sum(CallOptions options);

      ClientStream<Num, Num> echo();
    }
  }

  @Test
  void typedProxiesOpenStreams() {
    Api.Streams api = client.proxy(Api.Streams.class, SERVICE, direct);
    try (ClientStream<Object, Num> s = api.count(new Num(3))) {
      assertThat(s.receive()).isEqualTo(new Num(0));
      assertThat(s.receive()).isEqualTo(new Num(1));
      assertThat(s.receive()).isEqualTo(new Num(2));
      assertThat(s.receive()).isNull();
    }
    try (ClientStream<Num, Sum> s = api.sum(direct)) {
      s.send(new Num(4));
      s.send(new Num(5));
      s.closeSend();
      assertThat(s.receive()).isEqualTo(new Sum(9, 2));
    }
    try (ClientStream<Num, Num> s = api.echo()) {
      s.send(new Num(7));
      assertThat(s.receive()).isEqualTo(new Num(70));
    }
  }

  @Test
  void aUnaryEndpointOpenedAsAStreamAnswersOnce() {
    try (ClientStream<Object, Sum> s = client.stream(req("Unary.Hello", new Num(41)), Sum.class, direct)) {
      assertThat(s.receive()).isEqualTo(new Sum(41, 1));
      assertThat(s.receive()).isNull();
    }
  }

  @Test
  void asyncObserverGetsEveryMessageThenCompletes() throws Exception {
    List<Integer> got = Collections.synchronizedList(new ArrayList<>());
    AtomicReference<Object> end = new AtomicReference<>();
    AsyncClientStream<Num> s = client.streamAsync(req("Streams.Echo", Map.of()), Num.class, direct,
        new StreamObserver<Num>() {
          @Override
          public void onNext(Num message) {
            got.add(message.n());
          }

          @Override
          public void onError(MicroException error) {
            end.set(error);
          }

          @Override
          public void onCompleted() {
            end.set("completed");
          }
        });
    List<CompletableFuture<Void>> writes = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      writes.add(s.send(new Num(i)));
    }
    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
    s.closeSend();
    s.done().get(20, TimeUnit.SECONDS);
    assertThat(end.get()).isEqualTo("completed");
    assertThat(got).hasSize(300);
    assertThat(got.get(299)).isEqualTo(2990);
  }
}
