package io.micro.client;

import io.micro.codec.Codec;
import io.micro.codec.Codecs;
import io.micro.errors.MicroException;
import io.micro.stream.StreamObserver;
import io.micro.transport.Message;
import io.micro.transport.Socket;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * One open mucp stream on its own connection (protocol doc B.9): every message carries the call's
 * headers plus {@code Micro-Stream}; {@link #closeSend()} sends {@code Micro-Error: EOS}; {@link
 * #cancel()} sends a 499 error in {@code Micro-Error} and closes the connection. A received {@code
 * Micro-Error: EOS} ends the stream, any other {@code Micro-Error} fails it.
 *
 * <p>Responses are read ahead into a buffer of {@value #INBOX} messages (the connection stops reading
 * when it and the transport's own small buffer are full, so a slow receiver pushes back on the
 * server through TCP); sends keep at most {@value #OUTBOX} writes outstanding and block beyond that.
 * With an observer ({@link Client#streamAsync}) responses are instead handed to it one at a time on
 * the client's executor and the next one is read when it returned.
 *
 * @param <Req> sent message type
 * @param <Resp> received message type
 */
final class MucpStream<Req, Resp> implements ClientStream<Req, Resp> {
  static final int INBOX = 16;
  static final int OUTBOX = 8;
  static final String EOS = "EOS";
  private static final Duration NO_TIMEOUT = Duration.ofNanos(Long.MAX_VALUE);
  private static final Object END = new Object();

  private final Socket socket;
  private final Map<String, String> headers;
  private final Codecs codecs;
  private final Codec codec;
  private final Type responseType;
  private final String endpoint;
  private final @Nullable StreamObserver<Resp> observer;
  private final Executor executor;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<Object> inbox = new ArrayDeque<>(); // Message, then END or the error
  private final ArrayDeque<CompletableFuture<Void>> outstanding = new ArrayDeque<>();
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private boolean reading; // a socket receive is pending
  private boolean ended; // the server ended the stream (EOS, error or connection loss)
  private boolean sendClosed;
  private boolean endTaken; // the consumer has seen the end
  private @Nullable MicroException failure; // the stream's error, once it failed here or was taken
  private @Nullable MicroException endError; // the error the server (or the connection) ended it with
  private final ArrayDeque<Runnable> callbacks = new ArrayDeque<>();
  private boolean draining;
  private boolean terminalQueued;

  MucpStream(Socket socket, Map<String, String> headers, Codecs codecs, Codec codec, Type responseType,
      String endpoint, @Nullable StreamObserver<Resp> observer, Executor executor) {
    this.socket = socket;
    this.headers = Map.copyOf(headers);
    this.codecs = codecs;
    this.codec = codec;
    this.responseType = responseType;
    this.endpoint = endpoint;
    this.observer = observer;
    this.executor = executor;
  }

  /**
   * Sends the placeholder (none over gRPC: {@code null}), starts reading and arms the deadline;
   * called once after construction.
   */
  void open(byte @Nullable [] placeholder, @Nullable Long deadline) {
    if (placeholder != null) {
      write(new Message(headers, placeholder));
    }
    if (deadline != null) {
      long left = deadline - System.nanoTime();
      CompletableFuture.delayedExecutor(Math.max(0, left), TimeUnit.NANOSECONDS, Runnable::run)
          .execute(() -> abort(MicroException.timeout(RetryPolicy.CLIENT_ID,
              "stream %s: deadline exceeded", endpoint)));
    }
    pump();
  }

  // ---- sending

  @Override
  public void send(Req message) {
    Objects.requireNonNull(message, "message");
    byte[] body = encode(message);
    lock.lock();
    try {
      while (failure == null && !sendClosed && !ended && outstanding.size() >= OUTBOX) {
        changed.awaitUninterruptibly();
      }
      checkSendable();
    } finally {
      lock.unlock();
    }
    write(new Message(headers, body));
  }

  /** Async send: never blocks; completes when written (see {@link AsyncClientStream#send}). */
  private CompletableFuture<Void> sendNow(Req message) {
    try {
      byte[] body = encode(message);
      lock.lock();
      try {
        checkSendable();
      } finally {
        lock.unlock();
      }
      return write(new Message(headers, body));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private void checkSendable() {
    if (failure != null) {
      throw failure;
    }
    if (sendClosed) {
      throw new IllegalStateException("stream " + endpoint + ": send after closeSend");
    }
    if (ended) {
      throw endError != null ? endError : MicroException.internalServerError(RetryPolicy.CLIENT_ID,
          "stream %s: ended by the server; nothing more can be sent", endpoint);
    }
  }

  @Override
  public void closeSend() {
    lock.lock();
    try {
      if (sendClosed || failure != null) {
        return;
      }
      sendClosed = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    write(control(EOS));
  }

  @Override
  public void cancel() {
    abort(MicroException.of(RetryPolicy.CLIENT_ID, 499, "stream " + endpoint
        + ": cancelled by the client", "Client Closed Request"));
  }

  @Override
  public void close() {
    boolean cleanEnd;
    lock.lock();
    try {
      cleanEnd = ended && failure == null;
    } finally {
      lock.unlock();
    }
    if (cleanEnd) {
      socket.close();
    } else {
      cancel();
    }
  }

  /** Fails the stream with {@code error}, tells the server (unless it already ended) and closes. */
  private void abort(MicroException error) {
    boolean closeOnly;
    lock.lock();
    try {
      if (failure != null) {
        return;
      }
      closeOnly = ended; // the server already ended it normally: only the connection is left
      if (!closeOnly) {
        failure = error;
        inbox.clear();
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
    if (closeOnly) {
      socket.close();
      return;
    }
    write(control(error.toJson())).whenComplete((ok, e) -> socket.close());
    terminal(error);
  }

  private Message control(String error) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put("Micro-Error", error);
    return new Message(h, new byte[0]);
  }

  private CompletableFuture<Void> write(Message message) {
    CompletableFuture<Void> f;
    try {
      f = socket.send(message);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    lock.lock();
    try {
      if (!f.isDone()) {
        outstanding.add(f);
      }
    } finally {
      lock.unlock();
    }
    CompletableFuture<Void> written = f;
    return f.whenComplete((ok, error) -> {
      lock.lock();
      try {
        outstanding.remove(written);
        changed.signalAll();
      } finally {
        lock.unlock();
      }
      if (error != null) {
        lostConnection(error);
      }
    });
  }

  private byte[] encode(Req message) {
    try {
      return codec.marshal(message);
    } catch (MicroException e) {
      throw e;
    } catch (RuntimeException e) {
      throw MicroException.badRequest(RetryPolicy.CLIENT_ID, "message of %s as %s: %s", endpoint,
          codec.contentType(), e.getMessage()).withCause(e);
    }
  }

  // ---- receiving

  @Override
  public @Nullable Resp receive() {
    if (observer != null) {
      throw new IllegalStateException("stream " + endpoint + ": responses go to its observer");
    }
    Object item;
    lock.lock();
    try {
      while (inbox.isEmpty() && failure == null && !endTaken) {
        changed.awaitUninterruptibly();
      }
      if (failure != null) {
        throw failure;
      }
      if (endTaken) {
        return null;
      }
      item = inbox.poll();
      if (item == END) {
        endTaken = true;
        socket.close();
        done.complete(null);
        return null;
      }
      if (item instanceof MicroException error) { // after the messages that came before it
        failure = error;
        throw error;
      }
    } finally {
      lock.unlock();
    }
    pump();
    return decode((Message) Objects.requireNonNull(item));
  }

  /** Reads the next message from the socket unless one read is pending or the buffer is full. */
  private void pump() {
    lock.lock();
    try {
      if (reading || ended || failure != null || (observer == null && inbox.size() >= INBOX)) {
        return;
      }
      reading = true;
    } finally {
      lock.unlock();
    }
    socket.receive(NO_TIMEOUT).whenComplete((m, e) -> arrived(m, e));
  }

  private void arrived(@Nullable Message m, @Nullable Throwable e) {
    lock.lock();
    try {
      reading = false;
    } finally {
      lock.unlock();
    }
    if (e != null || m == null) {
      lostConnection(e == null ? new IllegalStateException("no message") : e);
      return;
    }
    String error = m.micro("Error");
    if (error != null && !error.isEmpty()) {
      if (error.equals(EOS)) {
        ended(null);
      } else {
        ended(MicroException.parse(error));
      }
      return;
    }
    if (observer != null) {
      StreamObserver<Resp> o = observer;
      deliver(() -> {
        lock.lock();
        try {
          if (failure != null) {
            return;
          }
        } finally {
          lock.unlock();
        }
        o.onNext(decode(m));
        pump();
      }, false);
      return;
    }
    lock.lock();
    try {
      if (failure != null) {
        return;
      }
      inbox.add(m);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    pump();
  }

  /** The server ended the stream: normally ({@code null}) or with {@code error}. */
  private void ended(@Nullable MicroException error) {
    lock.lock();
    try {
      if (failure != null || ended) {
        return;
      }
      ended = true;
      endError = error;
      inbox.add(error != null ? error : END);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    if (error != null) {
      socket.close();
    }
    if (observer != null || error != null) {
      terminal(error);
    }
  }

  private void lostConnection(Throwable e) {
    Throwable cause = ClientErrors.unwrap(e);
    MicroException error = cause instanceof MicroException me ? me
        : MicroException.internalServerError(RetryPolicy.CLIENT_ID, "stream %s: connection error: %s",
            endpoint, cause.toString()).withCause(cause);
    lock.lock();
    try {
      if (failure != null || ended) {
        return;
      }
    } finally {
      lock.unlock();
    }
    ended(error);
  }

  /**
   * The end for the observer ({@code onCompleted} for {@code null}, else {@code onError}), delivered
   * once after the messages before it; completes {@link #done}.
   */
  private void terminal(@Nullable MicroException error) {
    if (observer == null) {
      done.complete(null);
      return;
    }
    deliver(() -> {
      socket.close();
      try {
        if (error == null) {
          observer.onCompleted();
        } else {
          observer.onError(error);
        }
      } finally {
        done.complete(null);
      }
    }, true);
  }

  /**
   * Runs observer callbacks on the executor one at a time, in order; nothing runs after the
   * terminal one.
   */
  private void deliver(Runnable callback, boolean isTerminal) {
    boolean start;
    synchronized (callbacks) {
      if (terminalQueued) {
        return;
      }
      terminalQueued = isTerminal;
      callbacks.add(callback);
      start = !draining;
      draining = true;
    }
    if (start) {
      try {
        executor.execute(this::drain);
      } catch (RejectedExecutionException e) {
        drain();
      }
    }
  }

  private void drain() {
    while (true) {
      Runnable next;
      synchronized (callbacks) {
        next = callbacks.poll();
        if (next == null) {
          draining = false;
          return;
        }
      }
      try {
        next.run();
      } catch (RuntimeException e) {
        abort(MicroException.internalServerError(RetryPolicy.CLIENT_ID,
            "stream %s: observer failed: %s", endpoint, e.toString()).withCause(e));
      }
    }
  }

  private Resp decode(Message m) {
    String type = m.header("Content-Type");
    Codec c = type == null ? codec : codecs.forContentType(type).orElse(codec);
    try {
      @SuppressWarnings("unchecked")
      Resp value = (Resp) c.unmarshal(m.body(), responseType);
      if (value == null) {
        throw MicroException.internalServerError(RetryPolicy.CLIENT_ID,
            "stream %s: empty message (expected: a %s)", endpoint, responseType.getTypeName());
      }
      return value;
    } catch (MicroException e) {
      throw e;
    } catch (RuntimeException e) {
      throw MicroException.internalServerError(RetryPolicy.CLIENT_ID,
          "stream %s: message as %s (expected: %s): %s", endpoint, c.contentType(),
          responseType.getTypeName(), e.getMessage()).withCause(e);
    }
  }

  // ---- AsyncClientStream

  /** The asynchronous view of this stream. */
  AsyncClientStream<Req> async() {
    return new AsyncClientStream<>() {
      @Override
      public CompletableFuture<Void> send(Req message) {
        return sendNow(message);
      }

      @Override
      public CompletableFuture<Void> closeSend() {
        MucpStream.this.closeSend();
        return CompletableFuture.completedFuture(null);
      }

      @Override
      public void cancel() {
        MucpStream.this.cancel();
      }

      @Override
      public CompletableFuture<Void> done() {
        return done;
      }
    };
  }

  @Override
  public String toString() {
    return "stream " + endpoint + " on " + socket;
  }
}
