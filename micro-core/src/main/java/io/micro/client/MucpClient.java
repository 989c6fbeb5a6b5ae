package io.micro.client;

import io.micro.codec.Codec;
import io.micro.errors.MicroException;
import io.micro.metadata.Metadata;
import io.micro.registry.Node;
import io.micro.selector.Selector;
import io.micro.metadata.Deadline;
import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import io.micro.transport.Socket;
import org.jspecify.annotations.Nullable;

/** The mucp {@link Client}: see the package description for the request path. */
final class MucpClient implements Client {
  private final MucpClientBuilder config;
  private final @Nullable Selector selector;
  private final ConnectionPool pool;
  private final Invoker chain;
  private final GrpcExchange grpc;
  private final Executor executor;
  private final List<AutoCloseable> owned;
  private final Publisher publisher;
  private volatile boolean closed;
  private final java.util.concurrent.atomic.AtomicLong streamSequence = new java.util.concurrent.atomic.AtomicLong();

  MucpClient(MucpClientBuilder config, ConnectionPool pool, Executor executor, List<AutoCloseable> owned) {
    this.config = config;
    this.selector = config.selector;
    this.pool = pool;
    this.executor = executor;
    this.owned = owned;
    Exchange mucp = new Exchange(pool, new Wire(config.codecs), config.dialTimeout);
    this.grpc = new GrpcExchange(config.codecs, config.dialTimeout);
    GrpcExchange g = grpc;
    Invoker invoker = call -> GrpcExchange.speaksGrpc(call.node()) ? g.invoke(call) : mucp.invoke(call);
    List<CallWrapper> wrappers = config.wrappers;
    for (int i = wrappers.size() - 1; i >= 0; i--) {
      invoker = link(i, wrappers.get(i), invoker);
    }
    this.chain = invoker;
    this.publisher = new Publisher(config.broker, config.codecs, config.contentType);
  }

  @Override
  public void publish(String topic, Object message, PublishOptions options) {
    publisher.publish(topic, message, options);
  }

  @Override
  public CompletableFuture<Void> publishAsync(String topic, Object message, PublishOptions options) {
    return publisher.publishAsync(topic, message, options);
  }

  @Override
  public <T> T call(String service, String endpoint, Object request, Class<T> responseType) {
    return call(Request.of(service, endpoint, request), responseType, CallOptions.DEFAULT);
  }

  @Override
  public <T> T call(Request request, Class<T> responseType, CallOptions options) {
    return responseType.cast(join(execute(request, responseType, options)));
  }

  @Override
  public <T> CompletableFuture<T> callAsync(Request request, Class<T> responseType, CallOptions options) {
    return handOff(execute(request, responseType, options), responseType);
  }

  @Override
  public <Req, Resp> ClientStream<Req, Resp> stream(Request request, Class<Resp> responseType,
      CallOptions options) {
    return openStream(request, responseType, options, null, null);
  }

  @Override
  public <Resp> ClientStream<Object, Resp> serverStream(Request request, Class<Resp> responseType,
      CallOptions options) {
    ClientStream<Object, Resp> s = openStream(request, responseType, options, null, new byte[0]);
    try {
      s.send(request.body());
      s.closeSend();
      return s;
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
  }

  @Override
  public <Req, Resp> AsyncClientStream<Req> streamAsync(Request request, Class<Resp> responseType,
      CallOptions options, io.micro.stream.StreamObserver<Resp> observer) {
    Objects.requireNonNull(observer, "observer");
    MucpStream<Req, Resp> s = openStream(request, responseType, options, observer, null);
    return s.async();
  }

  /**
   * Selects a node, dials a dedicated connection (trying further nodes on connection errors, up to
   * the call's retries) and sends the placeholder: {@code placeholder} bytes, or the encoded
   * request body when null.
   */
  <Req, Resp> MucpStream<Req, Resp> openStream(Request request, Type responseType,
      CallOptions options, io.micro.stream.@Nullable StreamObserver<Resp> observer,
      byte @Nullable [] placeholder) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(responseType, "responseType");
    Objects.requireNonNull(options, "options");
    if (closed) {
      throw MicroException.internalServerError(RetryPolicy.CLIENT_ID, "client closed");
    }
    Metadata inherited = Metadata.current();
    String contentType = request.contentTypeOr(options.contentType().isEmpty()
        ? config.contentType : options.contentType());
    Codec codec = config.codecs.forContentType(contentType).orElseThrow(() -> MicroException.badRequest(
        RetryPolicy.CLIENT_ID, "stream %s: unsupported Content-Type %s (expected one of %s)",
        request.endpoint(), contentType, config.codecs.contentTypes()));
    Duration timeout = options.timeout().orElse(null);
    Duration incoming = Deadline.remaining().orElse(null);
    if (incoming != null && (timeout == null || incoming.compareTo(timeout) < 0)) {
      timeout = incoming;
    }
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      throw MicroException.timeout(RetryPolicy.CLIENT_ID,
          "stream %s: the deadline passed before it opened", request.endpoint());
    }
    Long deadline = timeout == null ? null : System.nanoTime() + timeout.toNanos();
    String id = Long.toString(streamSequence.getAndIncrement());
    Map<String, String> h = new LinkedHashMap<>(
        Wire.merge(inherited, request.metadata(), options.metadata()).asMap());
    h.remove("Timeout");
    if (timeout != null) {
      h.put("Timeout", Long.toString(timeout.toNanos()));
    }
    h.put("Content-Type", contentType);
    h.put("Accept", contentType);
    h.put("Micro-Id", id);
    h.put("Micro-Service", request.service());
    h.put("Micro-Endpoint", request.endpoint());
    h.put("Micro-Method", request.endpoint());
    h.put("Micro-Stream", id);
    String explicit = request.contentTypeOr(options.contentType());
    boolean grpcJson = explicit.toLowerCase(java.util.Locale.ROOT).contains("json")
        || !(responseType instanceof Class<?> c && com.google.protobuf.MessageLite.class.isAssignableFrom(c));
    Socket socket = dialStream(request, options, deadline, h, grpcJson);
    boolean overGrpc = socket instanceof GrpcStreamSocket;
    byte[] first = null;
    Codec streamCodec = codec;
    if (overGrpc) { // gRPC has no placeholder; its codec is protobuf unless JSON was asked for
      String ct = grpcJson ? "application/json" : "application/protobuf";
      streamCodec = config.codecs.forContentType(ct).orElse(null);
      if (streamCodec == null) {
        socket.close();
        throw MicroException.badRequest(RetryPolicy.CLIENT_ID, "stream %s: no %s codec (expected one in %s)",
            request.endpoint(), ct, config.codecs.contentTypes());
      }
    } else {
      try {
        first = placeholder != null ? placeholder : codec.marshal(request.body());
      } catch (RuntimeException e) {
        socket.close();
        throw e instanceof MicroException me ? me : MicroException.badRequest(RetryPolicy.CLIENT_ID,
            "stream %s: placeholder body as %s: %s", request.endpoint(), contentType, e.getMessage()).withCause(e);
      }
    }
    MucpStream<Req, Resp> s = new MucpStream<>(socket, h, config.codecs, streamCodec, responseType,
        request.endpoint(), observer, executor);
    s.open(first, deadline);
    return s;
  }

  /**
   * Dials the stream's node: a dedicated mucp connection, or for a gRPC node a new HTTP/2 stream
   * on its shared connection, carrying {@code headers} as gRPC metadata.
   */
  private Socket dialStream(Request request, CallOptions options, @Nullable Long deadline,
      Map<String, String> headers, boolean grpcJson) {
    Supplier<Node> next;
    if (!options.addresses().isEmpty()) {
      next = new AddressNext(options.addresses());
    } else if (selector != null) {
      next = selector.select(request.service(), options.selectOptions());
    } else {
      throw MicroException.internalServerError(RetryPolicy.CLIENT_ID,
          "service %s: no selector configured (expected: Client.builder().selector(...) or"
              + " CallOptions.withAddress(...))", request.service());
    }
    int attempts = 1 + options.retries().orElse(config.retries);
    MicroException last = null;
    for (int i = 0; i < attempts; i++) {
      Node node;
      try {
        node = next.get();
      } catch (RuntimeException e) {
        throw ClientErrors.toMicro(e);
      }
      Duration dial = config.dialTimeout;
      if (deadline != null) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw MicroException.timeout(RetryPolicy.CLIENT_ID, "stream %s: deadline exceeded while"
              + " connecting", request.endpoint());
        }
        dial = Duration.ofNanos(Math.min(left, dial.toNanos()));
      }
      try {
        if (GrpcExchange.speaksGrpc(node)) {
          Duration left = deadline == null ? null : Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
          return join(grpc.openStream(node.address(), GrpcExchange.headers(request.service(), request.endpoint(),
              node.address(), headers, grpcJson, left), dial));
        }
        return join(pool.dial(node.address(), dial));
      } catch (RuntimeException e) {
        last = ClientErrors.connection(node.address(), e);
      }
    }
    throw Objects.requireNonNull(last);
  }

  @Override
  public <T> T proxy(Class<T> api, String service) {
    return proxy(api, service, CallOptions.DEFAULT);
  }

  @Override
  public <T> T proxy(Class<T> api, String service, CallOptions options) {
    Objects.requireNonNull(api, "api");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(options, "options");
    ProxyHandler handler = new ProxyHandler(this, api, service, options);
    return api.cast(Proxy.newProxyInstance(api.getClassLoader(), new Class<?>[] {api}, handler));
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    pool.close();
    grpc.close();
    for (AutoCloseable c : owned) {
      try {
        c.close();
      } catch (Exception ignored) {
        // closing is best effort: the rest still gets closed
      }
    }
  }

  /** Runs a call; the future completes on whichever thread finished the last attempt. */
  CompletableFuture<@Nullable Object> execute(Request request, Type responseType, CallOptions options) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(responseType, "responseType");
    Objects.requireNonNull(options, "options");
    if (closed) {
      return CompletableFuture.failedFuture(
          MicroException.internalServerError(RetryPolicy.CLIENT_ID, "client closed"));
    }
    try {
      Metadata inherited = Metadata.current();
      String contentType = request.contentTypeOr(options.contentType().isEmpty()
          ? config.contentType : options.contentType());
      Request effective = new Request(request.service(), request.endpoint(), request.body(),
          contentType, Wire.merge(inherited, request.metadata(), options.metadata()));
      Duration budget = options.timeout().orElse(config.requestTimeout);
      Duration incoming = Deadline.remaining().orElse(null);
      if (incoming == null) {
        incoming = incomingTimeout(inherited);
      }
      if (incoming != null && incoming.compareTo(budget) < 0) {
        if (incoming.isNegative() || incoming.isZero()) {
          throw MicroException.timeout(RetryPolicy.CLIENT_ID,
              "call timeout: the deadline of the request being served passed %d ms ago",
              incoming.negated().toMillis());
        }
        budget = incoming;
      }
      CallExecution.Settings settings = new CallExecution.Settings(
          options.retries().orElse(config.retries),
          options.connectionTimeout().orElse(config.connectionTimeout),
          options.backoff().orElse(config.backoff),
          options.retryPolicy().orElse(config.retryPolicy),
          chain,
          executor);
      Supplier<Node> next;
      Selector marker = null;
      if (!options.addresses().isEmpty()) {
        next = new AddressNext(options.addresses());
      } else if (selector != null) {
        next = selector.select(request.service(), options.selectOptions());
        marker = selector;
      } else {
        throw MicroException.internalServerError(RetryPolicy.CLIENT_ID,
            "service %s: no selector configured (expected: Client.builder().selector(...) or"
                + " CallOptions.withAddress(...))", request.service());
      }
      return new CallExecution(effective, responseType, options, settings, next, marker, budget).start();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(ClientErrors.toMicro(e));
    }
  }

  /**
   * Completes a copy of {@code f} on the callback executor, so user code never runs on I/O threads;
   * a failure is the MicroException itself, not wrapped in a CompletionException.
   */
  <T> CompletableFuture<T> handOff(CompletableFuture<@Nullable Object> f, Class<T> type) {
    CompletableFuture<T> out = new CompletableFuture<>();
    f.whenComplete((v, e) -> {
      Runnable complete = () -> {
        if (e != null) {
          out.completeExceptionally(ClientErrors.unwrap(e));
        } else {
          try {
            out.complete(type.cast(v));
          } catch (ClassCastException cce) {
            out.completeExceptionally(ClientErrors.toMicro(cce));
          }
        }
      };
      try {
        executor.execute(complete);
      } catch (RejectedExecutionException rejected) {
        complete.run();
      }
    });
    return out;
  }

  /** Waits for {@code f} and rethrows its failure unwrapped (the MicroException itself). */
  static <T> T join(CompletableFuture<T> f) {
    try {
      return f.join();
    } catch (CompletionException e) {
      Throwable cause = ClientErrors.unwrap(e);
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw ClientErrors.toMicro(cause);
    }
  }

  /**
   * The {@code Timeout} (nanoseconds) of the request being served, counted from now: used when the
   * thread has metadata but no server {@link Deadline} (a caller that bound metadata itself).
   */
  private static @Nullable Duration incomingTimeout(Metadata inherited) {
    String t = inherited.get("Timeout").orElse(null);
    if (t == null) {
      return null;
    }
    try {
      long nanos = Long.parseLong(t.strip());
      return nanos > 0 ? Duration.ofNanos(nanos) : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Wrapper {@code index} in front of {@code next}, with the null check of the chain contract. */
  private static Invoker link(int index, CallWrapper wrapper, Invoker next) {
    return call -> {
      CompletableFuture<@Nullable Object> f = wrapper.call(call, next);
      if (f == null) {
        return CompletableFuture.failedFuture(MicroException.internalServerError(
            RetryPolicy.CLIENT_ID, "call wrapper %d (%s) returned null (expected: a future)",
            index, wrapper.getClass().getName()));
      }
      return f;
    };
  }

  /** The idle connection pool, for tests. */
  ConnectionPool pool() {
    return pool;
  }
}
