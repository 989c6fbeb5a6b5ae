package io.micro.toolkit.http;

import io.micro.errors.MicroException;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A reverse proxy for {@link HttpServer} handlers: {@link #forward} sends the request to a backend
 * ({@code host:port}) and streams the backend's answer back as it arrives, with flow control.
 *
 * <ul>
 *   <li>Headers: hop-by-hop headers are dropped; {@code X-Forwarded-For} gets the client's IP
 *       appended, {@code X-Forwarded-Host} and {@code X-Forwarded-Proto} are set; {@code Host} is
 *       kept. A forwarded header value with CR, LF or NUL is refused with 400.
 *   <li>Websockets: an upgrade request is tunnelled; after the backend's {@code 101} the bytes flow
 *       both ways unchanged until either side closes.
 *   <li>Faults: a backend that refuses or cannot be reached within the connect timeout is answered
 *       503 at once; one that has not answered within the response timeout is answered 504 and its
 *       connection closed. Errors are go-micro error JSON.
 *   <li>Connections: backend connections run on the client connection's event loop and are kept
 *       alive and reused (per event loop and backend, at most {@code maxIdlePerBackend}).
 * </ul>
 *
 * <p>The request body is the one the server read (bounded by its body limit); the response body
 * is streamed without a limit. Instances are thread-safe and hold no threads of their own.
 */
public final class HttpProxy implements AutoCloseable {
  static final List<String> HOP_BY_HOP = List.of("connection", "keep-alive", "proxy-authenticate",
      "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade");

  final Duration connectTimeout;
  final Duration responseTimeout;
  final int maxIdlePerBackend;
  final String errorId;
  final int maxInitialLineLength = 8 * 1024;
  final int maxHeaderSize = 16 * 1024;
  private final FastThreadLocal<Map<String, ArrayDeque<Channel>>> idle = new FastThreadLocal<>() {
    @Override
    protected Map<String, ArrayDeque<Channel>> initialValue() {
      return new HashMap<>();
    }
  };
  private volatile boolean closed;
  /** Set on a backend connection once its close removes it from the idle pool. */
  private static final AttributeKey<Boolean> WATCHED = AttributeKey.valueOf(HttpProxy.class, "watched");

  private HttpProxy(Builder b) {
    this.connectTimeout = b.connectTimeout;
    this.responseTimeout = b.responseTimeout;
    this.maxIdlePerBackend = b.maxIdlePerBackend;
    this.errorId = b.errorId;
  }

  /** A proxy with the defaults: connect 5 s, response 30 s, 64 idle connections per backend. */
  public static HttpProxy create() {
    return builder().build();
  }

  /** A builder of a proxy with other limits. */
  public static Builder builder() {
    return new Builder();
  }

  /** Forwards {@code request} unchanged (same target) to {@code backend} ({@code host:port}). */
  public CompletionStage<HttpResponse> forward(HttpRequest request, String backend) {
    return forward(request, backend, request.uri(), EmptyHttpHeaders.INSTANCE);
  }

  /**
   * Forwards {@code request} to {@code backend} ({@code host:port}) with the request target {@code
   * target} (path and query) and {@code extraHeaders} set on top of the request's own. The stage
   * completes at once; the answer is streamed to the client as the backend sends it.
   */
  public CompletionStage<HttpResponse> forward(HttpRequest request, String backend, String target,
      HttpHeaders extraHeaders) {
    Objects.requireNonNull(request, "request");
    HostPort.parse(backend);
    if (!target.startsWith("/")) {
      throw new IllegalArgumentException("target: '" + target + "' (expected: an absolute path)");
    }
    if (closed) {
      return CompletableFuture.completedFuture(HttpResponse.error(
          MicroException.of(errorId, 503, "proxy closed")));
    }
    HttpHeaders headers;
    try {
      headers = forwardHeaders(request, extraHeaders);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(HttpResponse.error(MicroException.badRequest(errorId, "%s", e.getMessage())));
    }
    boolean upgrade = request.isWebSocketUpgrade();
    DefaultFullHttpRequest out = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1,
        HttpMethod.valueOf(request.method()), target, Unpooled.wrappedBuffer(request.body()), headers,
        EmptyHttpHeaders.INSTANCE);
    if (upgrade) {
      headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
      headers.set(HttpHeaderNames.UPGRADE, request.header(HttpHeaderNames.UPGRADE));
    }
    if (request.body().length > 0 || !(request.method().equals("GET") || request.method().equals("HEAD"))) {
      headers.set(HttpHeaderNames.CONTENT_LENGTH, request.body().length);
    }
    return CompletableFuture.completedFuture(HttpResponse.relay(ex -> new ProxyCall(this, ex, backend, out, upgrade).start()));
  }

  /**
   * What a backend answered to {@link #exchange}: status, headers and the whole body.
   *
   * @param status the HTTP status
   * @param headers the response headers
   * @param body the body
   */
  public record Answer(int status, HttpHeaders headers, byte[] body) {}

  /**
   * Sends one request to {@code backend} ({@code host:port}) over a kept-alive connection on the
   * event loop of {@code on}'s connection, and collects the whole answer (at most {@code maxBody}
   * bytes, else 502). The stage completes on that event loop, failed with a 503 when the backend
   * cannot be reached and a 504 after {@code timeout}. {@code headers} must hold {@code Host} and
   * {@code Content-Type}; {@code Content-Length} is set here.
   */
  public CompletionStage<Answer> exchange(HttpRequest on, String backend, String method, String target,
      HttpHeaders headers, byte[] body, Duration timeout, int maxBody) {
    HostPort.parse(backend);
    io.netty.channel.Channel ch = on.channel();
    if (ch == null) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("request " + on + " has no connection"));
    }
    for (var it = headers.iteratorCharSequence(); it.hasNext(); ) {
      java.util.Map.Entry<CharSequence, CharSequence> e = it.next();
      if (!plain(e.getKey(), e.getValue())) {
        try {
          checked(e.getKey().toString(), e.getValue().toString());
        } catch (IllegalArgumentException bad) {
          return CompletableFuture.failedFuture(MicroException.badRequest(errorId, "%s", bad.getMessage()));
        }
      }
    }
    headers.set(HttpHeaderNames.CONTENT_LENGTH, body.length);
    DefaultFullHttpRequest out = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(method), target,
        Unpooled.wrappedBuffer(body), headers, EmptyHttpHeaders.INSTANCE);
    BackendCall call = new BackendCall(this, ch, backend, out, timeout, maxBody);
    if (ch.eventLoop().inEventLoop()) {
      call.start();
    } else {
      ch.eventLoop().execute(call::start);
    }
    return call.result;
  }

  /** The headers sent to the backend. */
  static HttpHeaders forwardHeaders(HttpRequest request, HttpHeaders extra) {
    HttpHeaders h = new DefaultHttpHeaders();
    List<String> connectionTokens = request.headers().getAll(HttpHeaderNames.CONNECTION);
    for (Map.Entry<String, String> e : request.headers()) {
      String name = e.getKey().toLowerCase(java.util.Locale.ROOT);
      if (HOP_BY_HOP.contains(name) || listed(connectionTokens, name)) {
        continue;
      }
      h.add(e.getKey(), checked(e.getKey(), e.getValue()));
    }
    for (Map.Entry<String, String> e : extra) {
      h.set(e.getKey(), checked(e.getKey(), e.getValue()));
    }
    String prior = request.header("X-Forwarded-For");
    h.set("X-Forwarded-For", checked("X-Forwarded-For",
        prior == null || prior.isBlank() ? request.remoteIp() : prior + ", " + request.remoteIp()));
    String host = request.header(HttpHeaderNames.HOST);
    if (host != null) {
      h.set("X-Forwarded-Host", checked("Host", host));
    }
    h.set("X-Forwarded-Proto", request.secure() ? "https" : "http");
    return h;
  }

  private static boolean listed(List<String> connectionTokens, String name) {
    for (String v : connectionTokens) {
      for (String t : v.split(",")) {
        if (t.strip().equalsIgnoreCase(name)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether {@link #checked} passes {@code name} and {@code value} (without building strings). */
  private static boolean plain(CharSequence name, CharSequence value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\r' || c == '\n' || c == 0) {
        return false;
      }
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c <= ' ' || c == ':' || c == 0x7f) {
        return false;
      }
    }
    return true;
  }

  /** {@code value}, or an error naming the header when it has CR, LF or NUL. */
  static String checked(String name, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\r' || c == '\n' || c == 0) {
        throw new IllegalArgumentException("header " + name + " contains CR, LF or NUL; refused to forward it");
      }
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c <= ' ' || c == ':' || c == 0x7f) {
        throw new IllegalArgumentException("header name '" + name.replaceAll("\\p{Cntrl}", "?") + "' is not a token");
      }
    }
    return value;
  }

  /** An idle connection to {@code backend} on the current event loop, or null. */
  Channel pooled(String backend) {
    ArrayDeque<Channel> q = idle.get().get(backend);
    while (q != null && !q.isEmpty()) {
      Channel ch = q.pollLast();
      if (ch.isActive()) {
        return ch;
      }
    }
    return null;
  }

  /** Keeps {@code ch} for reuse (on its event loop) or closes it. */
  void release(String backend, Channel ch) {
    if (closed || !ch.isActive()) {
      ch.close();
      return;
    }
    ArrayDeque<Channel> q = idle.get().computeIfAbsent(backend, k -> new ArrayDeque<>());
    if (q.size() >= maxIdlePerBackend) {
      ch.close();
      return;
    }
    q.addLast(ch);
    if (ch.attr(WATCHED).setIfAbsent(Boolean.TRUE) == null) {
      // once per connection, not per release: a listener per request would pile up on a kept-alive
      // connection's close future (memory and GC work growing with every request it carried)
      ch.closeFuture().addListener(f -> ch.eventLoop().execute(() -> q.remove(ch)));
    }
  }

  Bootstrap bootstrap(Channel client) {
    return new Bootstrap()
        .group(client.eventLoop())
        .channel(client instanceof EpollSocketChannel ? EpollSocketChannel.class : NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, Math.min(Integer.MAX_VALUE, connectTimeout.toMillis())));
  }

  MicroException unavailable(String backend, Throwable cause) {
    String why = cause instanceof ConnectException ? "connection refused" : String.valueOf(cause.getMessage());
    return MicroException.of(errorId, 503, "backend " + backend + " unavailable: " + why);
  }

  HttpClientCodec codec() {
    return new HttpClientCodec(maxInitialLineLength, maxHeaderSize, 64 * 1024);
  }

  /** Closes idle connections handed back later; connections in use finish their exchange. */
  @Override
  public void close() {
    closed = true;
  }

  /** Limits of an {@link HttpProxy}. Not thread-safe. */
  public static final class Builder {
    Duration connectTimeout = Duration.ofSeconds(5);
    Duration responseTimeout = Duration.ofSeconds(30);
    int maxIdlePerBackend = 64;
    String errorId = "go.micro.proxy";

    private Builder() {}

    /** The longest wait for a backend connection (default 5 s); then 503. */
    public Builder connectTimeout(Duration t) {
      this.connectTimeout = positive("connectTimeout", t);
      return this;
    }

    /** The longest wait for the backend's response head (default 30 s); then 504. */
    public Builder responseTimeout(Duration t) {
      this.responseTimeout = positive("responseTimeout", t);
      return this;
    }

    /** Idle connections kept per backend and event loop (default 64); 0 keeps none. */
    public Builder maxIdlePerBackend(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("maxIdlePerBackend: " + n + " (expected: >= 0)");
      }
      this.maxIdlePerBackend = n;
      return this;
    }

    /** The {@code id} of the proxy's error JSON (default {@code go.micro.proxy}). */
    public Builder errorId(String id) {
      this.errorId = Objects.requireNonNull(id, "id");
      return this;
    }

    /** A new proxy. */
    public HttpProxy build() {
      return new HttpProxy(this);
    }

    private static Duration positive(String name, Duration d) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
      }
      return d;
    }
  }
}
