package io.micro.server;

import io.micro.metadata.Deadline;
import io.micro.codec.Codec;
import io.micro.codec.Codecs;
import io.micro.codec.Envelope;
import io.micro.errors.MicroException;
import io.micro.metadata.Metadata;
import io.micro.transport.Message;
import java.lang.reflect.InvocationTargetException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one request message: negotiates mucp or a legacy envelope (protocol doc B.3), finds the
 * handler, decodes the body, runs the wrapper chain and the handler, and encodes the reply. Every
 * failure becomes a reply in go-micro's error shape; nothing escapes {@link #serve}.
 *
 * <p>Thread-safe; runs on whatever thread the server's {@link ExecutionMode} chose.
 */
final class Router {
  static final String DEFAULT_CONTENT_TYPE = "application/protobuf";
  private static final Logger LOG = LoggerFactory.getLogger(Router.class);
  private static final int KNOWN_LISTED = 20;

  private final String serverName;
  private final Supplier<Map<String, HandlerMethod>> handlers;
  private final Codecs codecs;
  private final List<HandlerWrapper> wrappers;
  private final int maxMessageSize;
  private final Debug debug;

  Router(String serverName, Supplier<Map<String, HandlerMethod>> handlers, Codecs codecs,
      List<HandlerWrapper> wrappers, int maxMessageSize, Debug debug) {
    this.serverName = serverName;
    this.handlers = handlers;
    this.codecs = codecs;
    this.wrappers = List.copyOf(wrappers);
    this.maxMessageSize = maxMessageSize;
    this.debug = debug;
  }

  /**
   * The reply to {@code request}; completes when an asynchronous handler does. Never completes
   * exceptionally.
   *
   * @param deadline a {@link System#nanoTime()} deadline, or null when the caller set none
   */
  CompletableFuture<Message> serve(Message request, String local, String remote, @Nullable Long deadline) {
    debug.countRequest();
    Negotiated n = negotiate(request);
    if (n == null) {
      debug.countError();
      return CompletableFuture.completedFuture(Route.unsupported(contentType(request)));
    }
    Route route = n.route();
    try {
      if (request.body().length > maxMessageSize) {
        throw MicroException.tooLarge(serverName, "body: %d bytes (expected: <= %d)",
            request.body().length, maxMessageSize);
      }
      String service = n.mucp() ? Optional.ofNullable(request.micro("Service")).orElse("") : "";
      String endpoint;
      byte[] body;
      Codec codec;
      Envelope envelope = route.envelope();
      if (envelope != null) {
        Envelope.Frame frame = readEnvelope(envelope, request.body());
        route = route.with(frame.id(), frame.method());
        endpoint = frame.method();
        body = frame.body() == null ? new byte[0] : frame.body();
        codec = envelope.bodyCodec();
      } else {
        endpoint = firstNonEmpty(request.micro("Endpoint"), request.micro("Method"));
        route = route.with(route.id(), endpoint);
        body = request.body();
        codec = java.util.Objects.requireNonNull(n.bare());
      }
      HandlerMethod method = find(endpoint);
      Object decoded = decode(codec, body, method, route.contentType());
      if (deadline != null && deadline - System.nanoTime() <= 0) {
        throw MicroException.timeout(serverName,
            "call %s: the caller's deadline passed before the handler started", endpoint);
      }
      Metadata md = metadata(request, local, remote);
      HandlerRequest hr = new HandlerRequest(service, endpoint, md, decoded, route.contentType());
      ResponseMetadata response = new ResponseMetadata();
      Object result = ResponseMetadata.callWith(response,
          () -> Metadata.callWith(md, () -> Deadline.callWith(deadline, () -> chain(method).handle(hr))));
      Route r = route;
      if (result instanceof CompletionStage<?> stage) {
        CompletableFuture<Message> out = new CompletableFuture<>();
        stage.whenComplete((value, error) -> {
          try {
            out.complete(withResponse(error != null ? fail(r, error) : encode(r, codec, endpoint, value), response));
          } catch (Throwable t) {
            out.complete(withResponse(fail(r, t), response));
          }
        });
        return out;
      }
      return CompletableFuture.completedFuture(withResponse(encode(r, codec, endpoint, result), response));
    } catch (Throwable t) {
      return CompletableFuture.completedFuture(fail(route, t));
    }
  }

  /** A mucp reply with the handler's response metadata as headers (mucp has no trailers: both kinds). */
  private static Message withResponse(Message reply, ResponseMetadata response) {
    Map<String, String> h = ResponseMetadata.merged(reply.headers(), response, true, true);
    return h == reply.headers() ? reply : new Message(h, reply.body());
  }

  /** Answers {@code request} with {@code error} without running a handler (server busy, shutting down). */
  Message refuse(Message request, MicroException error) {
    debug.countRequest();
    Negotiated n = negotiate(request);
    if (n == null) {
      debug.countError();
      return Route.unsupported(contentType(request));
    }
    Route route = n.route();
    Envelope envelope = route.envelope();
    if (envelope != null && request.body().length <= maxMessageSize) {
      try {
        Envelope.Frame frame = envelope.readRequest(request.body());
        route = route.with(frame.id(), frame.method());
      } catch (RuntimeException unreadable) {
        // answer with an empty id
      }
    }
    return fail(route, error);
  }

  /** The route of a request, or null when its content type is not spoken here. */
  private @Nullable Negotiated negotiate(Message request) {
    String contentType = contentType(request);
    String mime = Codecs.mediaType(contentType);
    boolean mucp = isMucp(request);
    // mucp: bare codecs first (json, protobuf, octet-stream), then json-rpc/proto-rpc envelopes;
    // legacy: the envelope table (json -> JSON-RPC, protobuf/octet-stream -> proto-RPC)
    Optional<Codec> bare = mucp ? codecs.forContentType(mime) : Optional.empty();
    Optional<Envelope> envelope = bare.isPresent() ? Optional.empty() : codecs.envelopeFor(mime);
    if (envelope.isEmpty() && bare.isEmpty()) {
      return null;
    }
    String id = mucp ? Optional.ofNullable(request.micro("Id")).orElse("") : "";
    return new Negotiated(new Route(envelope.orElse(null), contentType, id, ""), bare.orElse(null), mucp);
  }

  private record Negotiated(Route route, @Nullable Codec bare, boolean mucp) {}

  private static String contentType(Message request) {
    String raw = request.header("Content-Type");
    return raw == null || raw.isBlank() ? DEFAULT_CONTENT_TYPE : raw.strip();
  }

  private HandlerWrapper.Next chain(HandlerMethod method) {
    return wrap(request -> Metadata.callWith(request.metadata(), () -> invoke(method, request)));
  }

  /**
   * Opens a stream to {@code endpoint} for any protocol (see {@link StreamCall}): finds the handler
   * (of any kind: a unary one reads one message and answers one), starts it on {@code executor}
   * and returns the call to feed. The caller drops protocol details such as mucp's placeholder
   * first message before {@link StreamCall#onMessage}.
   *
   * @param service the target service the caller named, or empty
   * @param metadata the request headers plus {@code Local} and {@code Remote}
   * @param deadline a {@link System#nanoTime()} deadline, or null
   * @param codec the codec of the message bodies (both ways)
   * @param contentType the content type as the caller sent it
   * @param executor where a stream handler runs (it may block on its peer)
   * @param unaryExecutor where a unary handler runs once its request arrived (it does not wait for
   *     its peer; in DIRECT mode this is the calling I/O thread)
   * @throws MicroException 400 for an ill-formed endpoint, 404 for an unknown one (501 for a gRPC
   *     call, {@code Micro-Protocol: grpc}, as gRPC servers answer UNIMPLEMENTED)
   */
  StreamCall openStream(String service, String endpoint, Metadata metadata, @Nullable Long deadline,
      Codec codec, String contentType, StreamSink sink, Executor executor, Executor unaryExecutor) {
    debug.countRequest();
    HandlerMethod method;
    try {
      method = find(endpoint);
    } catch (MicroException e) {
      debug.countError();
      if (e.code() == 404 && "grpc".equals(metadata.get("Micro-Protocol").orElse(null))) {
        // gRPC names an unknown service or method UNIMPLEMENTED (grpc-java's servers do); only
        // the router's own miss is mapped, a handler's 404 stays NOT_FOUND
        throw MicroException.of(serverName, 501, e.detail(), "Not Implemented");
      }
      throw e;
    }
    HandlerRequest request = new HandlerRequest(service, endpoint, metadata, metadata, contentType);
    StreamSink counted = new StreamSink() {
      @Override
      public java.util.concurrent.CompletionStage<Void> send(byte[] body) {
        return sink.send(body);
      }

      @Override
      public void finish(@Nullable MicroException error) {
        if (error != null) {
          debug.countError();
        }
        sink.finish(error);
      }

      @Override
      public void reading(boolean on) {
        sink.reading(on);
      }

      @Override
      public @Nullable ResponseMetadata response() {
        return sink.response();
      }
    };
    StreamCall call = new StreamCall(serverName, method, request, codec, counted, deadline, this::wrap);
    call.start(method.kind() == HandlerKind.UNARY ? unaryExecutor : executor);
    return call;
  }

  /** The negotiated body codec of a mucp stream's first message, or null for legacy envelopes and unknown types. */
  @Nullable Codec streamCodec(Message first) {
    Negotiated n = negotiate(first);
    return n == null || n.route().envelope() != null ? null : n.bare();
  }

  /** {@code terminal} inside the server's wrappers, the first wrapper outermost. */
  private HandlerWrapper.Next wrap(HandlerWrapper.Next terminal) {
    HandlerWrapper.Next next = terminal;
    for (int i = wrappers.size() - 1; i >= 0; i--) {
      HandlerWrapper w = wrappers.get(i);
      HandlerWrapper.Next inner = once(next, i, w);
      next = request -> w.handle(request, inner);
    }
    return next;
  }

  /** {@code next} that fails when wrapper {@code index} proceeds more than once in one call. */
  private static HandlerWrapper.Next once(HandlerWrapper.Next next, int index, HandlerWrapper w) {
    boolean[] called = new boolean[1];
    return request -> {
      if (called[0]) {
        throw new IllegalStateException("handler wrapper " + index + " (" + w.getClass().getName()
            + ") called next.handle more than once (expected: at most once per call)");
      }
      called[0] = true;
      return next.handle(java.util.Objects.requireNonNull(request, "request passed to next.handle"));
    };
  }

  private static Object invoke(HandlerMethod method, HandlerRequest request) throws Exception {
    try {
      return method.invoke(request.metadata(), request.body());
    } catch (Exception e) {
      throw e;
    } catch (Throwable t) { // an Error thrown by the handler: answered as a 500, unwrapped in fail()
      throw new InvocationTargetException(t);
    }
  }

  private HandlerMethod find(String endpoint) {
    int dot = endpoint.indexOf('.');
    if (dot <= 0 || dot == endpoint.length() - 1 || endpoint.indexOf('.', dot + 1) >= 0) {
      throw MicroException.badRequest(serverName,
          "endpoint: '%s' (expected: Handler.Method, e.g. Say.Hello)", endpoint);
    }
    Map<String, HandlerMethod> all = handlers.get();
    HandlerMethod m = all.get(endpoint);
    if (m == null) {
      throw MicroException.notFound(serverName, "unknown endpoint %s (known: %s)", endpoint, known(all));
    }
    return m;
  }

  private static String known(Map<String, HandlerMethod> all) {
    List<String> names = all.keySet().stream().sorted().toList();
    if (names.size() <= KNOWN_LISTED) {
      return String.join(", ", names);
    }
    return String.join(", ", names.subList(0, KNOWN_LISTED)) + " and " + (names.size() - KNOWN_LISTED)
        + " more";
  }

  private Object decode(Codec codec, byte[] body, HandlerMethod method, String contentType) {
    Object value;
    try {
      value = codec.unmarshal(body, method.requestType());
    } catch (MicroException e) {
      throw reId(e);
    } catch (RuntimeException e) {
      throw MicroException.badRequest(serverName, "body of %s: cannot decode %s as %s: %s",
          method.endpoint(), contentType, method.requestType().getTypeName(), e.getMessage())
          .withCause(e);
    }
    if (value == null) {
      throw MicroException.badRequest(serverName, "body of %s: empty (expected: a %s)",
          method.endpoint(), method.requestType().getTypeName());
    }
    return value;
  }

  private Message encode(Route route, Codec codec, String endpoint, @Nullable Object value) {
    if (value == null) {
      return fail(route, MicroException.internalServerError(serverName,
          "handler %s returned null (expected: a response object)", endpoint));
    }
    byte[] bytes;
    try {
      bytes = codec.marshal(value);
    } catch (MicroException e) {
      return fail(route, reId(e));
    } catch (RuntimeException e) {
      return fail(route, MicroException.internalServerError(serverName,
          "response of %s: cannot encode %s as %s: %s", endpoint, value.getClass().getName(),
          codec.contentType(), e.getMessage()).withCause(e));
    }
    return route.success(bytes);
  }

  private Envelope.Frame readEnvelope(Envelope envelope, byte[] body) {
    try {
      return envelope.readRequest(body);
    } catch (MicroException e) {
      throw reId(e);
    }
  }

  /** A codec's error, reported under this server's name as go-micro's server does. */
  private MicroException reId(MicroException e) {
    return e.id().equals(serverName) ? e : MicroException.of(serverName, e.code(), e.detail(), e.status()).withCause(e);
  }

  private Message fail(Route route, Throwable t) {
    debug.countError();
    Throwable cause = unwrap(t);
    MicroException error = MicroException.from(serverName, cause);
    if (!(cause instanceof MicroException)) {
      LOG.warn("{}: handler failed on {}", serverName, route.endpoint().isEmpty() ? "a call" : route.endpoint(), cause);
    }
    try {
      return route.error(error);
    } catch (RuntimeException e) { // an envelope that cannot write: fall back to bare mucp
      return new Route(null, route.contentType(), route.id(), route.endpoint()).error(error);
    }
  }

  private static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException
        || c instanceof InvocationTargetException) && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  /** go-micro's rule: mucp when a routing header is present and no legacy {@code Micro-Target}. */
  static boolean isMucp(Message m) {
    if (m.micro("Protocol") != null || m.micro("Topic") != null) {
      return true;
    }
    boolean routed = m.micro("Service") != null || m.micro("Endpoint") != null || m.micro("Method") != null;
    return routed && m.micro("Target") == null;
  }

  static Metadata metadata(Message request, String local, String remote) {
    return Metadata.of(request.headers()).with("Local", local).with("Remote", remote);
  }

  private static String firstNonEmpty(@Nullable String a, @Nullable String b) {
    if (a != null && !a.isBlank()) {
      return a.strip();
    }
    return b == null ? "" : b.strip();
  }
}
