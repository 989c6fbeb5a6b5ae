package io.micro.toolkit.http;

import io.micro.errors.MicroException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads requests of one connection, dispatches them and writes the answers, one at a time. */
final class ServerHandler extends ChannelInboundHandlerAdapter {
  private static final Logger ACCESS = LoggerFactory.getLogger("io.micro.toolkit.http.access");
  private static final Logger LOG = LoggerFactory.getLogger(ServerHandler.class);
  private static final byte[] NONE = new byte[0];
  private static final io.netty.handler.codec.http.DefaultHttpHeadersFactory UNCHECKED =
      io.netty.handler.codec.http.DefaultHttpHeadersFactory.headersFactory().withValidation(false);

  private final HttpServer server;
  private final HttpServer.Builder o;

  private io.netty.handler.codec.http.@Nullable HttpRequest head;
  private @Nullable CompositeByteBuf body;
  private boolean discarding;
  private @Nullable ScheduledFuture<?> readTimer;
  /** The client shut down its sending side: no request comes after those already read. */
  private boolean inputShutdown;
  /** When the head of the request being read arrived ({@link System#nanoTime()}). */
  private long headNanos;
  private @Nullable InFlight inFlight;
  private ChannelHandlerContext ctx;
  private final java.util.ArrayDeque<Object> queued = new java.util.ArrayDeque<>();
  private static final int MAX_QUEUED = 1024;

  ServerHandler(HttpServer server) {
    this.server = server;
    this.o = server.options();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (inFlight != null || !queued.isEmpty()) {
      // a pipelined request: kept until the answers before it were written; no more is read
      // until then (reading stays on while a request is in flight otherwise: turning it off and
      // on again costs two epoll_ctl calls per request)
      if (queued.size() >= MAX_QUEUED) {
        io.netty.util.ReferenceCountUtil.release(msg);
        ctx.close();
        return;
      }
      queued.add(msg);
      ctx.channel().config().setAutoRead(false);
      return;
    }
    process(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    armReadTimer();
    ctx.fireChannelReadComplete();
  }

  /**
   * Starts the read timeout of a request whose head arrived but whose body has not (yet) all
   * arrived. Called once a read is done rather than on every head: a request that arrives whole in
   * one read (nearly all) schedules and cancels no timer; the deadline still counts from the head.
   */
  private void armReadTimer() {
    if (head == null || readTimer != null || inFlight != null || discarding) {
      return;
    }
    long left = o.readTimeout.toNanos() - (System.nanoTime() - headNanos);
    readTimer = ctx.executor().schedule(() -> {
      if (head != null && inFlight == null) {
        io.netty.handler.codec.http.HttpRequest h = head;
        discardBody();
        discarding = true;
        fail(h, 408, "request not received within " + o.readTimeout.toMillis() + " ms", false);
      }
    }, Math.max(0, left), TimeUnit.NANOSECONDS);
  }

  private void process(Object msg) {
    try {
      if (msg instanceof io.netty.handler.codec.http.HttpRequest req) {
        onHead(req);
      }
      if (msg instanceof HttpContent content && !discarding && head != null) {
        onContent(content);
      }
    } finally {
      io.netty.util.ReferenceCountUtil.release(msg);
    }
  }

  private void onHead(io.netty.handler.codec.http.HttpRequest req) {
    if (req.decoderResult().isFailure()) {
      Throwable cause = req.decoderResult().cause();
      int code = cause instanceof TooLongHttpLineException ? 414
          : cause instanceof TooLongHttpHeaderException ? 431 : 400;
      discarding = true;
      fail(req, code, "malformed request: " + (cause == null ? "?" : cause.getMessage()), false);
      return;
    }
    if (head != null) {
      // a new head before the last content of the previous request: the decoder does not do this
      discarding = true;
      return;
    }
    long length = HttpUtil.getContentLength(req, -1L);
    if (length > o.maxBodySize) {
      discarding = true;
      fail(req, 413, "request body of " + length + " bytes exceeds the limit of " + o.maxBodySize + " bytes", false);
      return;
    }
    discarding = false;
    head = req;
    body = null;
    if (HttpUtil.is100ContinueExpected(req)) {
      ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER));
    }
    headNanos = System.nanoTime();
  }

  private void onContent(HttpContent content) {
    ByteBuf data = content.content();
    if (content instanceof LastHttpContent && body == null && data.readableBytes() <= o.maxBodySize) {
      // the whole body in one piece (a small request read at once): copied out, no composite buffer
      cancelReadTimer();
      io.netty.handler.codec.http.HttpRequest h = head;
      head = null;
      dispatch(h, data.isReadable() ? io.netty.buffer.ByteBufUtil.getBytes(data) : NONE);
      return;
    }
    if (data.isReadable()) {
      if (body == null) {
        body = ctx.alloc().compositeBuffer(64);
      }
      if ((long) body.readableBytes() + data.readableBytes() > o.maxBodySize) {
        io.netty.handler.codec.http.HttpRequest h = head;
        discardBody();
        discarding = true;
        fail(h, 413, "request body exceeds the limit of " + o.maxBodySize + " bytes", false);
        return;
      }
      body.addComponent(true, data.retain());
    }
    if (content instanceof LastHttpContent) {
      cancelReadTimer();
      io.netty.handler.codec.http.HttpRequest h = head;
      byte[] bytes = NONE;
      if (body != null) {
        bytes = new byte[body.readableBytes()];
        body.readBytes(bytes);
        body.release();
        body = null;
      }
      head = null;
      dispatch(h, bytes);
    }
  }

  private void dispatch(io.netty.handler.codec.http.HttpRequest h, byte[] bytes) {
    if (h.headers().contains(HttpHeaderNames.UPGRADE) || h.method().equals(HttpMethod.CONNECT)) {
      // nothing more is read until the connection changes hands (websocket, tunnel)
      ctx.channel().config().setAutoRead(false);
    }
    String uri = h.uri();
    QueryStringDecoder decoded;
    String problem = null;
    try {
      decoded = new QueryStringDecoder(uri);
      problem = checkPath(uri, decoded);
    } catch (IllegalArgumentException e) {
      decoded = null;
      problem = "malformed request target " + quote(uri) + ": " + e.getMessage();
    }
    boolean keepAlive = HttpUtil.isKeepAlive(h);
    HttpRequest req = new HttpRequest(h.method().name(), uri,
        decoded == null ? new QueryStringDecoder("/") : decoded, h.headers(), bytes,
        ctx.channel().remoteAddress(), server.secure(), keepAlive, ctx.channel());
    InFlight f = new InFlight(req, h.protocolVersion());
    inFlight = f;
    if (problem != null) {
      f.answer(HttpResponse.error(MicroException.badRequest(o.errorId, "%s", problem)));
      return;
    }
    if (o.cors.enabled() && h.method().equals(HttpMethod.OPTIONS)) {
      f.answer(HttpResponse.empty(200));
      return;
    }
    HttpServer.Route route = server.route(req.path());
    if (route == null) {
      f.answer(HttpResponse.error(MicroException.notFound(o.errorId, "no handler for path %s", req.path())));
      return;
    }
    CompletionStage<HttpResponse> stage;
    try {
      stage = route.handler().handle(req);
    } catch (RuntimeException e) {
      f.answer(errorResponse(e));
      return;
    }
    f.timer = ctx.executor().schedule(() -> f.answer(HttpResponse.error(MicroException.of(o.errorId, 504,
        "no answer within " + o.handlerTimeout.toMillis() + " ms"))), o.handlerTimeout.toMillis(), TimeUnit.MILLISECONDS);
    stage.whenComplete((resp, err) -> {
      if (ctx.executor().inEventLoop()) {
        f.answer(err != null ? errorResponse(err) : resp);
      } else {
        ctx.executor().execute(() -> f.answer(err != null ? errorResponse(err) : resp));
      }
    });
  }

  private HttpResponse errorResponse(Throwable err) {
    Throwable t = err;
    while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    if (!(t instanceof MicroException)) {
      LOG.warn("handler failed", t);
    }
    return HttpResponse.error(MicroException.from(o.errorId, t));
  }

  /** The reason the target is refused, or null. */
  static @Nullable String checkPath(String uri, QueryStringDecoder decoded) {
    if (!uri.startsWith("/")) {
      return "request target " + quote(uri) + " is not an absolute path";
    }
    // loops rather than lower-casing and splitting: this runs for every request
    String raw = decoded.rawPath();
    for (int i = 0, n = raw.length(); i < n; i++) {
      char c = raw.charAt(i);
      if (c == '\\' || (c == '%' && i + 2 < n && encodedSeparator(raw.charAt(i + 1), raw.charAt(i + 2)))) {
        return "path " + quote(raw) + " contains an encoded '/', '\\' or NUL";
      }
    }
    String path = decoded.path();
    for (int start = 0, i = 0, n = path.length(); i <= n; i++) {
      if (i == n || path.charAt(i) == '/') {
        int len = i - start;
        if ((len == 1 || len == 2) && path.charAt(start) == '.' && path.charAt(i - 1) == '.') {
          return "path " + quote(path) + " contains a '" + path.substring(start, i) + "' segment";
        }
        start = i + 1;
      }
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return "path " + quote(path) + " contains a control character";
      }
    }
    return null;
  }

  /** Whether {@code %ab} is {@code %2f}, {@code %5c} or {@code %00} (any case). */
  private static boolean encodedSeparator(char a, char b) {
    return (a == '2' && (b == 'f' || b == 'F')) || (a == '5' && (b == 'c' || b == 'C')) || (a == '0' && b == '0');
  }

  private static String quote(String s) {
    String cut = s.length() > 200 ? s.substring(0, 200) + "..." : s;
    return "'" + cut.replaceAll("[\\p{Cntrl}]", "?") + "'";
  }

  /** Answers an error that was found before a handler ran; closes unless {@code keep}. */
  private void fail(io.netty.handler.codec.http.HttpRequest h, int code, String detail, boolean keep) {
    cancelReadTimer();
    head = null;
    ctx.channel().config().setAutoRead(false);
    HttpRequest req = new HttpRequest(h.method().name(), h.uri(), new QueryStringDecoder("/"), h.headers(), NONE,
        ctx.channel().remoteAddress(), server.secure(), keep, ctx.channel());
    InFlight f = new InFlight(req, h.protocolVersion().isKeepAliveDefault() ? HttpVersion.HTTP_1_1 : h.protocolVersion());
    inFlight = f;
    f.answer(HttpResponse.error(MicroException.of(o.errorId, code, detail)));
  }

  private void discardBody() {
    if (body != null) {
      body.release();
      body = null;
    }
    head = null;
  }

  private void cancelReadTimer() {
    if (readTimer != null) {
      readTimer.cancel(false);
      readTimer = null;
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof io.netty.channel.socket.ChannelInputShutdownEvent) {
      // the client sends nothing more: answer what it sent, then close (see finished)
      inputShutdown = true;
      if (inFlight == null && queued.isEmpty()) {
        ctx.close();
      }
    } else if (evt instanceof IdleStateEvent && inFlight == null && head == null) {
      ctx.close();
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releaseQueued();
    cancelReadTimer();
    discardBody();
    InFlight f = inFlight;
    if (f != null && f.timer != null) {
      f.timer.cancel(false);
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof TooLongFrameException && inFlight == null) {
      ctx.close();
      return;
    }
    LOG.debug("connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }

  private void resume() {
    inFlight = null;
    discarding = false;
    while (inFlight == null && !queued.isEmpty() && ctx.channel().isActive()) {
      process(queued.poll());
    }
    if (inFlight == null) {
      armReadTimer(); // a queued head whose body is still to come
      ctx.channel().config().setAutoRead(true); // reads again if it had stopped
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseQueued();
  }

  private void releaseQueued() {
    for (Object m; (m = queued.poll()) != null; ) {
      io.netty.util.ReferenceCountUtil.release(m);
    }
  }

  private void log(HttpRequest req, HttpVersion version, int status, long bytes) {
    if (o.onResponse != null) {
      try {
        o.onResponse.accept(status);
      } catch (RuntimeException e) {
        LOG.warn("response listener failed", e);
      }
    }
    if (o.accessLog && ACCESS.isInfoEnabled()) {
      ACCESS.info(AccessLog.line(req.remoteIp(), ZonedDateTime.now(), req.method(), req.uri(), version.text(),
          status, bytes, req.header(HttpHeaderNames.REFERER), req.header(HttpHeaderNames.USER_AGENT)));
    }
  }

  /** The request being answered: answers it once, ignoring later answers (a timeout's, say). */
  private final class InFlight implements Exchange {
    final HttpRequest req;
    final HttpVersion version;
    @Nullable ScheduledFuture<?> timer;
    boolean done;

    InFlight(HttpRequest req, HttpVersion version) {
      this.req = req;
      this.version = version;
    }

    void answer(@Nullable HttpResponse resp) {
      if (done || inFlight != this || !ctx.channel().isActive()) {
        done = true;
        return;
      }
      done = true;
      if (timer != null) {
        timer.cancel(false);
      }
      write(resp);
    }

    private void write(@Nullable HttpResponse resp) {
      if (resp == null) {
        resp = HttpResponse.error(MicroException.internalServerError(o.errorId, "handler answered nothing"));
      }
      if (resp.relayer() != null) {
        resp.relayer().start(this);
        return;
      }
      if (resp.webSocketHandler() != null) {
        upgrade(resp);
        return;
      }
      boolean keepAlive = req.keepAlive();
      // the response's headers were validated when they were set, the server's own are constants
      HttpHeaders headers = UNCHECKED.newHeaders().add(resp.headers());
      o.cors.apply(req.header(HttpHeaderNames.ORIGIN), headers);
      int status = resp.status();
      byte[] bytes = resp.body();
      if (status != 204 && status >= 200) {
        headers.set(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
      }
      if (!keepAlive) {
        headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      } else if (!version.isKeepAliveDefault()) {
        headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      }
      FullHttpResponse out = new DefaultFullHttpResponse(version, HttpResponseStatus.valueOf(status),
          bytes.length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes), headers, EmptyHttpHeaders.INSTANCE);
      ctx.writeAndFlush(out).addListener((ChannelFutureListener) fut -> finished(status, bytes.length, keepAlive && fut.isSuccess()));
    }

    private void upgrade(HttpResponse resp) {
      if (!req.isWebSocketUpgrade()) {
        write(HttpResponse.error(MicroException.badRequest(o.errorId,
            "%s expects a websocket upgrade (Connection: Upgrade, Upgrade: websocket)", req.path())));
        return;
      }
      String url = (req.secure() ? "wss://" : "ws://") + req.header(HttpHeaderNames.HOST) + req.uri();
      WebSocketDecoderConfig config = WebSocketDecoderConfig.newBuilder()
          .maxFramePayloadLength(o.maxWebSocketFrameSize)
          .closeOnProtocolViolation(true)
          .allowExtensions(false)
          .build();
      WebSocketServerHandshakerFactory factory = new WebSocketServerHandshakerFactory(url,
          resp.subprotocols().isEmpty() ? null : String.join(",", resp.subprotocols()), config);
      DefaultFullHttpRequest full = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, req.uri(),
          Unpooled.EMPTY_BUFFER, req.headers(), EmptyHttpHeaders.INSTANCE);
      WebSocketServerHandshaker hs = factory.newHandshaker(full);
      if (hs == null) {
        WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
        finished(426, 0, false);
        return;
      }
      HttpHeaders extra = new DefaultHttpHeaders().set(resp.headers());
      o.cors.apply(req.header(HttpHeaderNames.ORIGIN), extra);
      WebSocketBridge bridge = new WebSocketBridge(resp.webSocketHandler(), req, hs, o.maxWebSocketFrameSize,
          o.webSocketPing.toNanos());
      ctx.pipeline().remove("idle");
      hs.handshake(ctx.channel(), full, extra, ctx.newPromise()).addListener((ChannelFutureListener) fut -> {
        log(req, version, fut.isSuccess() ? 101 : 400, 0);
        if (!fut.isSuccess()) {
          ctx.close();
          return;
        }
        inFlight = null;
        ctx.pipeline().replace(ServerHandler.this, "websocket", bridge);
        ctx.channel().config().setAutoRead(true);
      });
    }

    @Override
    public ChannelHandlerContext context() {
      return ctx;
    }

    @Override
    public HttpRequest request() {
      return req;
    }

    @Override
    public void respond(HttpResponse response) {
      if (inFlight == this && ctx.channel().isActive()) {
        write(response);
      }
    }

    @Override
    public void decorate(HttpHeaders headers) {
      o.cors.apply(req.header(HttpHeaderNames.ORIGIN), headers);
    }

    @Override
    public void tunnelled(int status, io.netty.channel.ChannelHandler next) {
      log(req, version, status, 0);
      inFlight = null;
      ChannelPipeline p = ctx.pipeline();
      p.addAfter("http", "tunnel", next);
      p.remove("idle");
      p.remove(ServerHandler.this);
      p.remove("http");
      ctx.channel().config().setAutoRead(true);
    }

    @Override
    public void finished(int status, long bytes, boolean keepAlive) {
      log(req, version, status, bytes);
      if (keepAlive && ctx.channel().isActive() && !(inputShutdown && queued.isEmpty())) {
        resume();
      } else {
        ctx.close();
      }
    }
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
