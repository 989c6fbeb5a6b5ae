package io.micro.client;

import io.micro.codec.Codecs;
import io.micro.selector.Selector;
import io.micro.transport.Transport;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Calls services by name: selects a node, sends the request over a pooled connection, retries
 * within the call's deadline and decodes the reply (go-micro's {@code client.Client}).
 *
 * <pre>{@code
 * try (Client client = Client.builder().selector(Selector.create(registry)).transport(transport).build()) {
 *   Reply r = client.call("go.micro.srv.greeter", "Say.Hello", new Hello("John"), Reply.class);
 *   Say say = client.proxy(Say.class, "go.micro.srv.greeter");
 *   Reply r2 = say.hello(new Hello("Ann"));
 * }
 * }</pre>
 *
 * <p>Errors are {@link io.micro.errors.MicroException}s: the server's error as it sent it, or one
 * of the client's own (id {@code go.micro.client}): 500 {@code connection error: ...}, 500 from the
 * selector when no node is available, 408 {@code call timeout} when the deadline passed.
 *
 * <p>Implementations are safe for concurrent use. The client owns its connection pool (and what the
 * builder created for it) and releases them on {@link #close()}; it does not close the selector or
 * transport it was given.
 */
public interface Client extends AutoCloseable {

  /**
   * Calls {@code endpoint} of {@code service} with the default content type and options, blocking
   * until the reply arrives.
   *
   * @throws io.micro.errors.MicroException the error of the call
   */
  <T> T call(String service, String endpoint, Object request, Class<T> responseType);

  /**
   * Calls {@code request} with {@code options}, blocking until the reply arrives.
   *
   * @throws io.micro.errors.MicroException the error of the call, never wrapped
   */
  <T> T call(Request request, Class<T> responseType, CallOptions options);

  /**
   * Calls {@code request} without blocking. The future completes on the client's executor (never on
   * a transport I/O thread) with the reply, or fails with the {@link io.micro.errors.MicroException}
   * of the call; cancelling it does not stop the call. Node selection (a registry lookup when the
   * selector has nothing cached) runs on the calling thread; everything after it is asynchronous.
   */
  <T> CompletableFuture<T> callAsync(Request request, Class<T> responseType, CallOptions options);

  /** {@link #callAsync(Request, Class, CallOptions)} with {@link CallOptions#DEFAULT}. */
  default <T> CompletableFuture<T> callAsync(Request request, Class<T> responseType) {
    return callAsync(request, responseType, CallOptions.DEFAULT);
  }

  /**
   * Opens a stream to {@code request}'s endpoint (any of the three kinds) on a new, dedicated
   * connection, as go-micro does. The request's body is go-micro's placeholder first message, which
   * servers discard (go-micro's generated clients send an empty message: pass {@code Map.of()} or an
   * empty protobuf message); every message after it goes through {@link ClientStream#send}. The
   * stream's deadline is {@link CallOptions#withTimeout} (or the deadline of the request being
   * served, if sooner), counted from now and sent as the {@code Timeout} header; without either a
   * stream has no deadline, as in go-micro (the client's request timeout bounds unary calls only).
   * Connection errors while opening move on to the next node, up to the call's retries; once the
   * stream is open nothing is retried. A node with {@code protocol=grpc} (or a {@code grpc://}
   * address) is streamed to over gRPC instead: a new HTTP/2 stream on its shared connection, no
   * placeholder, the deadline as {@code grpc-timeout}, the same {@link ClientStream} semantics.
   *
   * @param <Req> the type of the messages to send (not checked until each is encoded)
   * @param <Resp> the type responses are decoded into
   * @throws io.micro.errors.MicroException when no node is available or the connection fails
   */
  <Req, Resp> ClientStream<Req, Resp> stream(Request request, Class<Resp> responseType, CallOptions options);

  /**
   * Calls a server-streaming endpoint: opens a stream with an empty placeholder, sends {@code
   * request}'s body as the one request and closes the sending side; the caller receives until
   * {@code null}.
   *
   * @throws io.micro.errors.MicroException when the stream cannot be opened or the request not sent
   */
  <Resp> ClientStream<Object, Resp> serverStream(Request request, Class<Resp> responseType, CallOptions options);

  /**
   * Opens a stream like {@link #stream} without blocking on responses: they go to {@code observer}
   * (on the client's executor, one at a time; the next response is read only after {@code onNext}
   * returned). Opening (node selection, dialling, the placeholder) happens before this returns;
   * failures to open are thrown here, later failures go to {@link
   * io.micro.stream.StreamObserver#onError}.
   *
   * @throws io.micro.errors.MicroException when no node is available or the connection fails
   */
  <Req, Resp> AsyncClientStream<Req> streamAsync(Request request, Class<Resp> responseType,
      CallOptions options, io.micro.stream.StreamObserver<Resp> observer);

  /**
   * A typed proxy of {@code service}: method {@code hello(Req)} of interface {@code Say} calls the
   * endpoint {@code Say.Hello} (interface simple name, method name with its first letter upper
   * case) and decodes the reply into the return type. A method may take the request (or nothing,
   * which sends an empty map) and optionally a trailing {@link CallOptions}; returning {@code
   * CompletableFuture<R>} or {@code CompletionStage<R>} makes it asynchronous, returning {@code void}
   * ignores the reply body. Returning {@code ClientStream<Req, Resp>} opens a stream: with a request
   * parameter it is server streaming (the request is sent and the sending side closed, as {@link
   * #serverStream}), without one the caller sends (client streaming, bidirectional). Default methods run as written; {@code equals}, {@code hashCode} and
   * {@code toString} are those of the proxy itself.
   *
   * @throws IllegalArgumentException when {@code api} is not an interface or has a method of another
   *     shape, naming that method
   */
  <T> T proxy(Class<T> api, String service);

  /** {@link #proxy(Class, String)} whose calls use {@code options}. */
  <T> T proxy(Class<T> api, String service, CallOptions options);

  /**
   * Publishes {@code message} on {@code topic} through the client's broker: encoded with the
   * client's content type ({@code application/json} by default), with headers {@code Content-Type},
   * {@code Micro-Topic}, a new {@code Micro-ID} and the caller's {@link io.micro.metadata.Metadata#current()}.
   * Returns when the broker accepted the event (see {@link io.micro.broker.Broker#publish}).
   *
   * @throws io.micro.errors.MicroException when the broker refuses it
   * @throws IllegalStateException when the client has no broker
   */
  default void publish(String topic, Object message) {
    publish(topic, message, PublishOptions.DEFAULT);
  }

  /** Like {@link #publish(String, Object)} with a content type and extra metadata. */
  void publish(String topic, Object message, PublishOptions options);

  /**
   * Publishes asynchronously: the future completes when the broker delivered or confirmed the
   * event, and fails with the reason it was not (see {@link io.micro.broker.Broker#publishAsync}).
   */
  CompletableFuture<Void> publishAsync(String topic, Object message, PublishOptions options);

  /** Closes idle connections and what the client created; later calls fail with a 500. */
  @Override
  void close();

  /** A builder with go-micro v4.10+ defaults. */
  static Builder builder() {
    return new MucpClientBuilder();
  }

  /**
   * Configures a {@link Client}. Defaults are go-micro's (v4.10+): 5 retries, 30 s per call, 5 s per
   * attempt, 5 s to dial, 100 idle connections per address kept for at most 1 minute, content type
   * {@code application/json}, {@link Backoff#exponential()}, {@link RetryPolicy#standard()}. Not
   * thread-safe; {@link #build()} may be called more than once.
   */
  interface Builder {

    /** Where nodes come from; required unless every call passes {@link CallOptions#withAddress}. */
    Builder selector(Selector selector);

    /**
     * The transport connections are dialled with (not closed by the client); default: a new
     * {@link io.micro.transport.http.HttpTransport} that the client owns and closes.
     */
    Builder transport(Transport transport);

    /** The codecs and legacy envelopes; default {@link Codecs#standard()}. */
    Builder codecs(Codecs codecs);

    /** The broker {@link Client#publish} publishes with; none by default. Not closed by the client. */
    Builder broker(io.micro.broker.Broker broker);

    /** Retries after the first attempt (default 5, so up to 6 attempts); 0 disables retries. */
    Builder retries(int retries);

    /** The deadline of a whole call, all attempts and backoffs included (default 30 s). */
    Builder requestTimeout(Duration timeout);

    /**
     * The longest single attempt (default 5 s); sent as the {@code Timeout} header (nanoseconds),
     * or the time left of the call when that is shorter.
     */
    Builder connectionTimeout(Duration timeout);

    /** The longest wait for a new connection (default 5 s). */
    Builder dialTimeout(Duration timeout);

    /** Idle connections kept per address (default 100); 0 closes every connection after its call. */
    Builder poolSize(int size);

    /** The age after which a connection is not reused (default 1 minute). */
    Builder poolTtl(Duration ttl);

    /** The content type of requests that do not set one (default {@code application/json}). */
    Builder contentType(String contentType);

    /** The wait before each attempt (default {@link Backoff#exponential()}). */
    Builder backoff(Backoff backoff);

    /** Which failed attempts are tried again (default {@link RetryPolicy#standard()}). */
    Builder retryPolicy(RetryPolicy policy);

    /** Adds wrappers around every attempt; the first given is the outermost (see {@link CallWrapper}). */
    Builder wrap(CallWrapper... wrappers);

    /**
     * Where {@link #callAsync} futures complete and retries start; default: a virtual thread per
     * task on Java 21+, the common fork-join pool on Java 17. A given executor is not shut down.
     */
    Builder executor(Executor executor);

    /** A new client; fails naming the missing or invalid setting. */
    Client build();
  }
}
