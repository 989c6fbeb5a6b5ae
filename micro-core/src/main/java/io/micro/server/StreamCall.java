package io.micro.server;

import io.micro.codec.Codec;
import io.micro.errors.MicroException;
import io.micro.metadata.Deadline;
import io.micro.metadata.Metadata;
import io.micro.stream.BidiStream;
import io.micro.stream.StreamReceiver;
import io.micro.stream.StreamSender;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running stream handler, fed by any protocol: the transport-independent half of streaming.
 *
 * <p>A protocol opens a call with the server's router ({@code Router#openStream}: endpoint,
 * metadata, deadline, body codec, a {@link StreamSink} and the server's executor). The call runs the
 * handler (through the server's {@link HandlerWrapper}s) on the executor and then:
 *
 * <ul>
 *   <li>the protocol pushes each decoded-from-the-wire inbound message body with {@link
 *       #onMessage(byte[])} (in arrival order, from its I/O thread; never blocks), the peer's
 *       half-close with {@link #onHalfClose()}, and a cancellation (peer reset, peer error message,
 *       connection closed) with {@link #cancel(MicroException)};
 *   <li>the handler's sends are encoded with the codec and go to {@link StreamSink#send}; at most
 *       {@value #OUTBOX} may be outstanding, beyond that the handler's {@code send} blocks until the
 *       sink completes one (outbound backpressure);
 *   <li>inbound bodies wait in an inbox; when {@value #INBOX} are waiting the call asks the protocol
 *       to stop reading ({@link StreamSink#reading}{@code (false)}) and to resume when the handler
 *       has taken half of them (inbound backpressure); a peer that keeps sending anyway past {@value
 *       #INBOX_LIMIT} fails the stream with 503;
 *   <li>{@link StreamSink#finish} is called once: when the handler returns ({@code null}: a normal
 *       end; a thrown exception: its {@link MicroException}, anything else a 500), or at once when the
 *       stream is cancelled or its deadline passes (408). After that the handler's {@code send} and
 *       {@code receive} throw that error.
 * </ul>
 *
 * <p>Shapes: server streaming takes the first inbound message as its request (a stream that ends
 * before it fails with 400) and drops later inbound messages; client streaming sends its return
 * value as the one response before finishing; a unary method run as a stream does both (so an
 * HTTP/2 protocol can serve every endpoint through this class). A unary handler is not started
 * until its request arrives: the executor runs it once, with the request in hand, instead of
 * parking a thread to wait for it (a gRPC unary call costs one hand-off, as a mucp call does). The
 * mucp placeholder first message is a detail of mucp: that protocol drops it before feeding the call.
 *
 * <p>Thread-safe: the protocol's methods may be called from any thread, concurrently with the
 * handler.
 */
public final class StreamCall {
  /** Inbound messages buffered before the protocol is asked to stop reading. */
  public static final int INBOX = 16;
  /** Inbound messages buffered at most; a peer sending past this fails the stream with 503. */
  public static final int INBOX_LIMIT = 1024;
  /** Sends outstanding at the sink before the handler's send blocks. */
  public static final int OUTBOX = 8;

  private static final Logger LOG = LoggerFactory.getLogger(StreamCall.class);

  private final String serverName;
  private final HandlerMethod method;
  private final HandlerRequest request;
  private final Codec codec;
  private final StreamSink sink;
  private final @Nullable Long deadline;
  private final UnaryOperator<HandlerWrapper.Next> wrappers;
  private final ResponseMetadata response;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<byte[]> inbox = new ArrayDeque<>();
  private final ArrayDeque<CompletableFuture<Void>> outstanding = new ArrayDeque<>();
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private boolean inputEnded;
  private boolean discardInput;
  private boolean paused;
  private boolean finished;
  private @Nullable MicroException failure;
  private @Nullable ScheduledFuture<?> deadlineTimer;
  /** A unary handler's executor until its request arrives (then it starts), or null. */
  private @Nullable Executor awaitingRequest;

  StreamCall(String serverName, HandlerMethod method, HandlerRequest request, Codec codec,
      StreamSink sink, @Nullable Long deadline, UnaryOperator<HandlerWrapper.Next> wrappers) {
    this.serverName = serverName;
    this.method = method;
    this.request = request;
    this.codec = codec;
    this.sink = sink;
    this.deadline = deadline;
    this.wrappers = wrappers;
    ResponseMetadata r = sink.response();
    this.response = r != null ? r : new ResponseMetadata();
  }

  /** Starts the handler on {@code executor} and the deadline timer; called once by the router. */
  void start(Executor executor) {
    if (deadline != null) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        cancel(deadlineError());
        done.complete(null);
        return;
      }
      ScheduledFuture<?> timer = DeadlineTimer.after(left, () -> cancel(deadlineError()));
      lock.lock();
      try {
        if (finished) {
          timer.cancel(false);
        } else {
          deadlineTimer = timer;
        }
      } finally {
        lock.unlock();
      }
    }
    if (method.kind() == HandlerKind.UNARY) {
      lock.lock();
      try {
        if (failure == null) {
          awaitingRequest = executor; // starts in onMessage, with its request
          return;
        }
      } finally {
        lock.unlock();
      }
      done.complete(null); // cancelled before it was started
      return;
    }
    execute(executor, () -> run(null));
  }

  private void execute(Executor executor, Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      cancel(MicroException.of(serverName, 503, "server busy: cannot start stream "
          + method.endpoint() + " (expected: fewer concurrent calls; retry later)"));
      done.complete(null);
    }
  }

  /** The endpoint this stream serves, {@code Handler.Method}. */
  public String endpoint() {
    return method.endpoint();
  }

  /** The shape of the handler. */
  public HandlerKind kind() {
    return method.kind();
  }

  /**
   * Delivers one inbound message body (not yet decoded: the handler's thread decodes it). Never
   * blocks; dropped after the stream ended or when the shape takes no more input.
   */
  public void onMessage(byte[] body) {
    MicroException overflow = null;
    Executor unary;
    lock.lock();
    try {
      if (failure != null || inputEnded || discardInput) {
        return;
      }
      unary = awaitingRequest;
      if (unary != null) {
        awaitingRequest = null;
        discardInput = true; // a unary call takes its first message; later ones are dropped
      } else {
        inbox.add(body);
        if (inbox.size() > INBOX_LIMIT) {
          overflow = MicroException.of(serverName, 503, "stream " + method.endpoint() + ": more than "
              + INBOX_LIMIT + " messages waiting (expected: a peer that honours flow control)");
        } else if (inbox.size() >= INBOX && !paused) {
          paused = true;
          sink.reading(false);
        }
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
    if (unary != null) {
      execute(unary, () -> run(body));
    } else if (overflow != null) {
      cancel(overflow);
    }
  }

  /** The peer closed its sending side: the handler's receive returns {@code null} after the queued messages. */
  public void onHalfClose() {
    boolean noRequest;
    lock.lock();
    try {
      inputEnded = true;
      noRequest = awaitingRequest != null;
      awaitingRequest = null;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    if (noRequest) {
      finishOnce(endedBeforeRequest());
      done.complete(null);
    }
  }

  /**
   * Aborts the stream with {@code reason}: the handler's pending and later send/receive throw it
   * and the sink is finished with it (unless it was already). Idempotent; does nothing after the
   * stream finished.
   */
  public void cancel(MicroException reason) {
    boolean neverStarted;
    lock.lock();
    try {
      if (finished) {
        return;
      }
      if (failure == null) {
        failure = reason;
      }
      neverStarted = awaitingRequest != null;
      awaitingRequest = null;
      inbox.clear();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    finishOnce(reason);
    if (neverStarted) {
      done.complete(null);
    }
  }

  /** Completes when the handler returned (or never started) and the sink was finished. */
  public CompletionStage<Void> done() {
    return done;
  }

  /** True once the sink was finished. */
  public boolean isFinished() {
    lock.lock();
    try {
      return finished;
    } finally {
      lock.unlock();
    }
  }

  /** Runs the handler; {@code unaryRequest} is a unary handler's request, already received. */
  private void run(byte @Nullable [] unaryRequest) {
    Metadata md = request.metadata();
    try {
      ResponseMetadata.callWith(response, () -> Metadata.callWith(md, () -> Deadline.callWith(deadline,
          () -> invoke(unaryRequest))));
      finishOnce(null);
    } catch (Throwable t) {
      Throwable cause = unwrap(t);
      if (!(cause instanceof MicroException) && !isFinished()) {
        LOG.warn("{}: stream handler failed on {}", serverName, method.endpoint(), cause);
      }
      finishOnce(MicroException.from(serverName, cause));
    } finally {
      lock.lock();
      try {
        discardInput = true;
        inbox.clear();
        if (paused) {
          paused = false;
          sink.reading(true);
        }
        changed.signalAll();
      } finally {
        lock.unlock();
      }
      done.complete(null);
    }
  }

  /** Runs the wrapper chain and the handler; sends the response of shapes that return one. */
  private Object invoke(byte @Nullable [] unaryRequest) throws Exception {
    Receiver receiver = new Receiver();
    Sender sender = new Sender();
    if (unaryRequest != null) {
      Object decoded = receiver.decode(unaryRequest);
      sendResult(sender, chain(r -> method.invoke(r.metadata(), r.body())).handle(request.withBody(decoded)));
      return Boolean.TRUE;
    }
    switch (method.kind()) {
      case UNARY -> throw new IllegalStateException("a unary handler starts with its request (onMessage)");
      case SERVER_STREAM -> {
        Object first = receiver.receive();
        if (first == null) {
          throw endedBeforeRequest();
        }
        lock.lock();
        try {
          discardInput = true;
          inbox.clear();
          if (paused) {
            paused = false;
            sink.reading(true);
          }
        } finally {
          lock.unlock();
        }
        chain(r -> method.invokeStream(r.metadata(), r.body(), sender)).handle(request.withBody(first));
      }
      case CLIENT_STREAM -> sendResult(sender,
          chain(r -> method.invokeStream(r.metadata(), r.body())).handle(request.withBody(receiver)));
      default -> chain(r -> method.invokeStream(r.metadata(), r.body()))
          .handle(request.withBody(new Bidi(receiver, sender)));
    }
    return Boolean.TRUE;
  }

  /** A call of the handler method, as the innermost step of the server's wrapper chain. */
  @FunctionalInterface
  private interface Target {
    @Nullable Object call(HandlerRequest request) throws Throwable;
  }

  /**
   * The wrapper chain around {@code target}. Wrappers see, as the request body, the decoded request
   * (server streaming, unary) or the stream object (client streaming, bidirectional), and as the
   * result the response (client streaming, unary) or the request body again (void shapes).
   */
  private HandlerWrapper.Next chain(Target target) {
    return wrappers.apply(r -> Metadata.callWith(r.metadata(), () -> {
      try {
        Object out = target.call(r);
        return out == null ? r.body() : out;
      } catch (Exception e) {
        throw e;
      } catch (Throwable t) {
        throw new InvocationTargetException(t);
      }
    }));
  }

  private void sendResult(Sender sender, @Nullable Object result) throws Exception {
    Object value = result;
    if (value instanceof CompletionStage<?> stage) {
      try {
        value = stage.toCompletableFuture().get();
      } catch (ExecutionException e) {
        throw e.getCause() instanceof Exception ex ? ex : e;
      }
    }
    if (value == null) {
      throw MicroException.internalServerError(serverName,
          "handler %s returned null (expected: a response object)", method.endpoint());
    }
    sender.send(value);
  }

  private void finishOnce(@Nullable MicroException error) {
    ScheduledFuture<?> timer;
    lock.lock();
    try {
      if (finished) {
        return;
      }
      finished = true;
      timer = deadlineTimer;
      deadlineTimer = null;
      if (failure == null) {
        failure = error != null ? error : MicroException.internalServerError(serverName,
            "stream %s: already ended", method.endpoint());
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    if (timer != null) {
      timer.cancel(false);
    }
    try {
      sink.finish(error);
    } catch (RuntimeException e) {
      LOG.debug("{}: finishing stream {} failed: {}", serverName, method.endpoint(), e.toString());
    }
  }

  private MicroException endedBeforeRequest() {
    return MicroException.badRequest(serverName, "stream %s: ended before its request"
        + " (expected: one request message)", method.endpoint());
  }

  private MicroException deadlineError() {
    return MicroException.timeout(serverName, "stream %s: deadline exceeded", method.endpoint());
  }

  private static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException
        || c instanceof InvocationTargetException) && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  /** The handler's receiving side. */
  private final class Receiver implements StreamReceiver<Object> {
    @Override
    public @Nullable Object receive() {
      byte[] body;
      lock.lock();
      try {
        while (inbox.isEmpty() && !inputEnded && failure == null) {
          changed.awaitUninterruptibly();
        }
        if (failure != null) {
          throw failure;
        }
        body = inbox.poll();
        if (body == null) {
          return null;
        }
        if (paused && inbox.size() <= INBOX / 2) {
          paused = false;
          sink.reading(true);
        }
      } finally {
        lock.unlock();
      }
      return decode(body);
    }

    private Object decode(byte[] body) {
      Object value;
      try {
        value = codec.unmarshal(body, method.requestType());
      } catch (MicroException e) {
        throw e;
      } catch (RuntimeException e) {
        throw MicroException.badRequest(serverName, "message of %s: cannot decode %s as %s: %s",
            method.endpoint(), request.contentType(), method.requestType().getTypeName(),
            e.getMessage()).withCause(e);
      }
      if (value == null) {
        throw MicroException.badRequest(serverName, "message of %s: empty (expected: a %s)",
            method.endpoint(), method.requestType().getTypeName());
      }
      return value;
    }
  }

  /** The handler's sending side. */
  private final class Sender implements StreamSender<Object> {
    @Override
    public void send(Object message) {
      java.util.Objects.requireNonNull(message, "message");
      byte[] bytes;
      try {
        bytes = codec.marshal(message);
      } catch (MicroException e) {
        throw e;
      } catch (RuntimeException e) {
        throw MicroException.internalServerError(serverName, "message of %s: cannot encode %s as %s: %s",
            method.endpoint(), message.getClass().getName(), codec.contentType(), e.getMessage())
            .withCause(e);
      }
      lock.lock();
      try {
        while (failure == null && outstanding.size() >= OUTBOX) {
          changed.awaitUninterruptibly();
        }
        if (failure != null) {
          throw failure;
        }
      } finally {
        lock.unlock();
      }
      CompletableFuture<Void> f = sink.send(bytes).toCompletableFuture();
      lock.lock();
      try {
        if (!f.isDone()) {
          outstanding.add(f);
        }
      } finally {
        lock.unlock();
      }
      f.whenComplete((ok, error) -> sent(f, error));
    }
  }

  private void sent(CompletableFuture<Void> f, @Nullable Throwable error) {
    lock.lock();
    try {
      outstanding.remove(f);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    if (error != null) {
      Throwable cause = unwrap(error);
      cancel(cause instanceof MicroException m ? m : MicroException.internalServerError(serverName,
          "stream %s: write failed: %s", method.endpoint(), cause.toString()).withCause(cause));
    }
  }

  /** Both sides for a bidirectional handler. */
  private record Bidi(Receiver in, Sender out) implements BidiStream<Object, Object> {
    @Override
    public @Nullable Object receive() {
      return in.receive();
    }

    @Override
    public void send(Object message) {
      out.send(message);
    }
  }
}
