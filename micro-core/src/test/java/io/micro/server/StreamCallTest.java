package io.micro.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micro.codec.Codec;
import io.micro.codec.Codecs;
import io.micro.errors.MicroException;
import io.micro.metadata.Metadata;
import io.micro.stream.BidiStream;
import io.micro.stream.StreamReceiver;
import io.micro.stream.StreamSender;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link StreamCall} as any protocol drives it: a sink that records what the handler sent and
 * completes writes when the test says, and message bodies pushed in by the test.
 */
@Timeout(30)
class StreamCallTest {
  record Num(int n) {}

  /** Handlers of each shape. */
  public static final class Handlers {
    final CountDownLatch gate = new CountDownLatch(1);
    final LinkedBlockingQueue<Throwable> seen = new LinkedBlockingQueue<>();
    final AtomicInteger taken = new AtomicInteger();
    final AtomicInteger runs = new AtomicInteger();

    public void count(Num req, StreamSender<Num> out) {
      for (int i = 0; i < req.n(); i++) {
        out.send(new Num(i));
      }
    }

    public Num sum(StreamReceiver<Num> in) throws InterruptedException {
      gate.await(20, TimeUnit.SECONDS);
      int s = 0;
      for (Num n = in.receive(); n != null; n = in.receive()) {
        s += n.n();
        taken.incrementAndGet();
      }
      return new Num(s);
    }

    public Num twice(Num req) {
      runs.incrementAndGet();
      return new Num(req.n() * 2);
    }

    public void hang(BidiStream<Num, Num> s) {
      try {
        s.receive();
      } catch (MicroException e) {
        seen.add(e);
        throw e;
      }
    }
  }

  /** Records the protocol-facing calls; writes complete at once unless {@code hold} is set. */
  static final class Sink implements StreamSink {
    final List<byte[]> sent = new ArrayList<>();
    final List<CompletableFuture<Void>> pending = new ArrayList<>();
    final List<Boolean> reading = new ArrayList<>();
    final CompletableFuture<@Nullable MicroException> finished = new CompletableFuture<>();
    final AtomicInteger finishes = new AtomicInteger();
    volatile boolean hold;

    @Override
    public synchronized CompletionStage<Void> send(byte[] body) {
      sent.add(body);
      CompletableFuture<Void> f = new CompletableFuture<>();
      if (hold) {
        pending.add(f);
      } else {
        f.complete(null);
      }
      return f;
    }

    @Override
    public void finish(@Nullable MicroException error) {
      finishes.incrementAndGet();
      finished.complete(error);
    }

    @Override
    public synchronized void reading(boolean on) {
      reading.add(on);
    }

    synchronized int sentCount() {
      return sent.size();
    }

    synchronized void release() {
      pending.forEach(f -> f.complete(null));
      pending.clear();
    }
  }

  private final Handlers handlers = new Handlers();
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final Codec json = Codecs.standard().forContentType("application/json").orElseThrow();
  private final Router router = router();

  private Router router() {
    Map<String, HandlerMethod> methods = new HashMap<>();
    HandlerExtractor.extract("S", handlers).forEach(m -> methods.put(m.endpoint(), m));
    return new Router("svc", () -> methods, Codecs.standard(), List.of(), 1 << 20, new Debug());
  }

  @AfterEach
  void tearDown() {
    handlers.gate.countDown();
    executor.shutdownNow();
  }

  private StreamCall open(String endpoint, Sink sink, @Nullable Long deadline) {
    return router.openStream("svc", endpoint, Metadata.empty(), deadline, json, "application/json",
        sink, executor, executor);
  }

  private static byte[] num(int n) {
    return ("{\"n\":" + n + "}").getBytes(UTF_8);
  }

  @Test
  void serverStreamTakesTheFirstMessageAsItsRequestAndFinishesOnce() throws Exception {
    Sink sink = new Sink();
    StreamCall call = open("S.Count", sink, null);
    assertThat(call.kind()).isEqualTo(HandlerKind.SERVER_STREAM);
    call.onMessage(num(3));
    assertThat(sink.finished.get(10, TimeUnit.SECONDS)).isNull();
    assertThat(sink.sent).extracting(b -> new String(b, UTF_8).strip())
        .containsExactly("{\"n\":0}", "{\"n\":1}", "{\"n\":2}");
    call.cancel(MicroException.of("x", 499, "late"));
    call.done().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(sink.finishes.get()).isEqualTo(1);
  }

  @Test
  void sendBlocksWhileTheOutboxIsFull() throws Exception {
    Sink sink = new Sink();
    sink.hold = true;
    StreamCall call = open("S.Count", sink, null);
    call.onMessage(num(100));
    while (sink.sentCount() < StreamCall.OUTBOX) {
      Thread.sleep(10);
    }
    Thread.sleep(200);
    assertThat(sink.sentCount()).isEqualTo(StreamCall.OUTBOX);
    sink.hold = false;
    sink.release();
    assertThat(sink.finished.get(10, TimeUnit.SECONDS)).isNull();
    assertThat(sink.sentCount()).isEqualTo(100);
  }

  @Test
  void aFullInboxAsksTheProtocolToStopReadingAndToResumeWhenDrained() throws Exception {
    Sink sink = new Sink();
    StreamCall call = open("S.Sum", sink, null);
    for (int i = 1; i <= 40; i++) {
      call.onMessage(num(i));
    }
    call.onHalfClose();
    assertThat(sink.reading).containsExactly(false);
    handlers.gate.countDown();
    assertThat(sink.finished.get(10, TimeUnit.SECONDS)).isNull();
    assertThat(sink.reading).containsExactly(false, true);
    assertThat(new String(sink.sent.get(0), UTF_8).strip()).isEqualTo("{\"n\":820}");
    assertThat(handlers.taken.get()).isEqualTo(40);
  }

  @Test
  void aPeerFloodingPastTheLimitFailsTheStreamWith503() throws Exception {
    Sink sink = new Sink();
    StreamCall call = open("S.Sum", sink, null);
    for (int i = 0; i <= StreamCall.INBOX_LIMIT; i++) {
      call.onMessage(num(i));
    }
    assertThat(sink.finished.get(10, TimeUnit.SECONDS).code()).isEqualTo(503);
  }

  @Test
  void cancelFinishesAtOnceAndTheHandlerSeesTheReason() throws Exception {
    Sink sink = new Sink();
    StreamCall call = open("S.Hang", sink, null);
    call.cancel(MicroException.of("peer", 499, "gone"));
    assertThat(sink.finished.get(10, TimeUnit.SECONDS).code()).isEqualTo(499);
    Throwable seen = handlers.seen.poll(10, TimeUnit.SECONDS);
    assertThat(seen).isInstanceOf(MicroException.class);
    assertThat(((MicroException) seen).detail()).isEqualTo("gone");
    call.done().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(sink.finishes.get()).isEqualTo(1);
  }

  @Test
  void theDeadlineFinishesWith408() throws Exception {
    Sink sink = new Sink();
    open("S.Hang", sink, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200));
    MicroException e = sink.finished.get(10, TimeUnit.SECONDS);
    assertThat(e.code()).isEqualTo(408);
    assertThat(handlers.seen.poll(10, TimeUnit.SECONDS)).isInstanceOf(MicroException.class);
  }

  @Test
  void aUnaryHandlerStartsOnlyWhenItsRequestArrivesAndAnswersOnce() throws Exception {
    Sink sink = new Sink();
    AtomicInteger tasks = new AtomicInteger();
    StreamCall call = router.openStream("svc", "S.Twice", Metadata.empty(), null, json, "application/json",
        sink, executor, r -> {
          tasks.incrementAndGet();
          executor.execute(r);
        });
    assertThat(call.kind()).isEqualTo(HandlerKind.UNARY);
    assertThat(tasks.get()).as("no thread is taken to wait for the request").isZero();
    call.onMessage(num(21));
    call.onMessage(num(99)); // a unary call takes its first message only
    call.onHalfClose();
    assertThat(sink.finished.get(10, TimeUnit.SECONDS)).isNull();
    assertThat(sink.sent).extracting(b -> new String(b, UTF_8).strip()).containsExactly("{\"n\":42}");
    call.done().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(tasks.get()).isEqualTo(1);
    assertThat(handlers.runs.get()).isEqualTo(1);
  }

  @Test
  void aUnaryCallEndedBeforeItsRequestFailsWith400AndNeverRunsTheHandler() throws Exception {
    Sink sink = new Sink();
    StreamCall call = open("S.Twice", sink, null);
    call.onHalfClose();
    MicroException e = sink.finished.get(10, TimeUnit.SECONDS);
    assertThat(e.code()).isEqualTo(400);
    assertThat(e.detail()).contains("S.Twice", "ended before its request");
    call.done().toCompletableFuture().get(10, TimeUnit.SECONDS);
    call.onMessage(num(1)); // too late: dropped
    Thread.sleep(100);
    assertThat(handlers.runs.get()).isZero();
    assertThat(sink.finishes.get()).isEqualTo(1);
  }

  @Test
  void aUnaryCallCancelledOrTimedOutBeforeItsRequestNeverRunsTheHandler() throws Exception {
    Sink cancelled = new Sink();
    StreamCall call = open("S.Twice", cancelled, null);
    call.cancel(MicroException.of("peer", 499, "gone"));
    assertThat(cancelled.finished.get(10, TimeUnit.SECONDS).code()).isEqualTo(499);
    call.done().toCompletableFuture().get(10, TimeUnit.SECONDS);
    call.onMessage(num(1));

    Sink late = new Sink();
    StreamCall timed = open("S.Twice", late, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100));
    assertThat(late.finished.get(10, TimeUnit.SECONDS).code()).isEqualTo(408);
    timed.done().toCompletableFuture().get(10, TimeUnit.SECONDS);
    timed.onMessage(num(1));
    Thread.sleep(100);
    assertThat(handlers.runs.get()).isZero();
  }

  @Test
  void aFinishedCallLeavesNoDeadlineTimerBehind() throws Exception {
    int before = DeadlineTimer.pending();
    List<Sink> sinks = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      Sink sink = new Sink();
      sinks.add(sink);
      open("S.Twice", sink, System.nanoTime() + TimeUnit.SECONDS.toNanos(60)).onMessage(num(i));
    }
    for (Sink sink : sinks) {
      assertThat(sink.finished.get(10, TimeUnit.SECONDS)).isNull();
    }
    assertThat(DeadlineTimer.pending()).as("timers of the 100 finished calls").isLessThanOrEqualTo(before);
  }

  @Test
  void anUnknownEndpointIsRefusedBeforeAnythingRuns() {
    assertThatThrownBy(() -> open("S.Nope", new Sink(), null))
        .isInstanceOfSatisfying(MicroException.class, e -> assertThat(e.code()).isEqualTo(404));
  }
}
