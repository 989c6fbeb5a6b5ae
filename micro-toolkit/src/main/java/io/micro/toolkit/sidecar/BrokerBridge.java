package io.micro.toolkit.sidecar;

import io.micro.broker.Broker;
import io.micro.broker.SubscribeOptions;
import io.micro.broker.Subscription;
import io.micro.errors.MicroException;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /broker?topic=T[&queue=Q]} as a websocket: every text or binary frame the client sends
 * is published on {@code T}; every event of the subscription (one member of queue group {@code Q}
 * when given) is pushed to the client as go-micro's broker message JSON
 * ({@code {"Header":{...},"Body":"<base64>"}}).
 *
 * <p>Bounds: a message (after joining fragments) larger than the frame limit closes the socket with
 * 1009; a client that sends nothing, not even a pong, for {@code 60 s} is closed (the sidecar pings
 * after {@code 54 s} of silence); a client that does not read for {@code 10 s} while its buffer is
 * full is closed with 1008.
 */
final class BrokerBridge {
  private static final Duration PING_AFTER = Duration.ofSeconds(54);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

  private final @Nullable Broker broker;
  private final int maxFrameBytes;
  private final Executor executor;
  private final boolean tls;

  BrokerBridge(@Nullable Broker broker, int maxFrameBytes, Executor executor, boolean tls) {
    this.broker = broker;
    this.maxFrameBytes = maxFrameBytes;
    this.executor = executor;
    this.tls = tls;
  }

  /**
   * Upgrades {@code req} to a websocket bound to its topic, or answers it with {@code refuse}: 405
   * for a method other than GET, 400 without a topic or an upgrade, 503 without a broker.
   */
  void upgrade(ChannelHandlerContext ctx, FullHttpRequest req, Consumer<Reply> refuse) {
    QueryStringDecoder q = new QueryStringDecoder(req.uri());
    String topic = first(q, "topic");
    String queue = first(q, "queue");
    if (!req.method().equals(HttpMethod.GET)) {
      refuse.accept(Reply.error(MicroException.methodNotAllowed(HttpFront.ERROR_ID,
          "%s /broker (expected: GET with a websocket upgrade)", req.method())));
      return;
    }
    if (topic == null || topic.isBlank()) {
      refuse.accept(Reply.error(MicroException.badRequest(HttpFront.ERROR_ID,
          "missing query parameter topic (expected: /broker?topic=NAME[&queue=GROUP])")));
      return;
    }
    if (!req.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
      refuse.accept(Reply.error(MicroException.badRequest(HttpFront.ERROR_ID,
          "/broker needs a websocket upgrade (expected header Upgrade: websocket)")));
      return;
    }
    Broker b = broker;
    if (b == null) {
      refuse.accept(Reply.error(MicroException.of(HttpFront.ERROR_ID, 503,
          "this sidecar has no broker")));
      return;
    }
    String scheme = tls ? "wss://" : "ws://";
    WebSocketDecoderConfig config = WebSocketDecoderConfig.newBuilder()
        .maxFramePayloadLength(maxFrameBytes)
        .allowExtensions(false)
        .closeOnProtocolViolation(true)
        .build();
    WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(
        scheme + req.headers().get(HttpHeaderNames.HOST) + "/broker", null, config)
        .newHandshaker(req);
    if (handshaker == null) {
      refuse.accept(Reply.error(MicroException.badRequest(HttpFront.ERROR_ID,
          "unsupported websocket version %s (expected: 13)",
          req.headers().get(HttpHeaderNames.SEC_WEBSOCKET_VERSION))));
      return;
    }
    AccessLog.log(ctx.channel().remoteAddress(), "GET", req.uri(), req.protocolVersion().text(), 101,
        0, req.headers().get(HttpHeaderNames.REFERER), req.headers().get(HttpHeaderNames.USER_AGENT));
    BrokerSocket socket = new BrokerSocket(b, topic, executor, handshaker);
    ctx.pipeline().replace("idle", "idle", new IdleStateHandler(READ_TIMEOUT.toMillis(), 0,
        PING_AFTER.toMillis(), TimeUnit.MILLISECONDS));
    handshaker.handshake(ctx.channel(), req).addListener(f -> {
      if (!f.isSuccess()) {
        ctx.close();
        return;
      }
      ctx.pipeline().addAfter("front", "ws-aggregator", new WebSocketFrameAggregator(maxFrameBytes));
      ctx.pipeline().addAfter("ws-aggregator", "broker", socket);
      ctx.pipeline().remove("front");
      ctx.channel().config().setAutoRead(true);
      SubscribeOptions opts = queue == null || queue.isBlank() ? SubscribeOptions.DEFAULT
          : SubscribeOptions.builder().queue(queue).build();
      executor.execute(() -> {
        try {
          Subscription sub = b.subscribe(topic, socket::push, opts);
          socket.subscribed(sub);
        } catch (RuntimeException e) {
          socket.fail(1011, "cannot subscribe to " + topic + ": "
              + MicroException.from(HttpFront.ERROR_ID, e).detail());
        }
      });
    });
  }

  private static @Nullable String first(QueryStringDecoder q, String name) {
    List<String> v = q.parameters().get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }
}
