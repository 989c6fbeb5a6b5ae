package io.micro.toolkit.web;

import io.micro.errors.MicroException;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection of {@code micro web}: sends {@code /NAME/...} to the proxy and everything else to
 * the dashboard (off the event loop), adds CORS headers, counts statuses and writes the access log
 * (Apache combined format, logger {@code io.micro.toolkit.web.access}).
 */
final class FrontHandler extends ChannelInboundHandlerAdapter {

  private static final Logger ACCESS = LoggerFactory.getLogger("io.micro.toolkit.web.access");
  private static final DateTimeFormatter CLF =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);

  private final Dashboard dashboard;
  private final WebProxy proxy;
  private final Executor workers;
  private final Stats stats;
  private final List<String> cors;

  FrontHandler(Dashboard dashboard, WebProxy proxy, Executor workers, Stats stats, List<String> cors) {
    this.dashboard = dashboard;
    this.proxy = proxy;
    this.workers = workers;
    this.stats = stats;
    this.cors = cors;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest req)) {
      ctx.fireChannelRead(msg);
      return;
    }
    Channel ch = ctx.channel();
    if (req.decoderResult().isFailure()) {
      req.release();
      write(ch, null, Reply.error(MicroException.badRequest(Lookups.ID, "malformed request: %s",
          req.decoderResult().cause().getMessage())), false, "-", "-", "-");
      return;
    }
    String line = req.method() + " " + req.uri() + " " + req.protocolVersion();
    String referer = req.headers().get(HttpHeaderNames.REFERER, "");
    String agent = req.headers().get(HttpHeaderNames.USER_AGENT, "");
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    String origin = req.headers().get(HttpHeaderNames.ORIGIN);
    if (req.method().equals(HttpMethod.OPTIONS)) {
      req.release();
      write(ch, origin, new Reply(200, "text/plain", new byte[0], Map.of()), keepAlive, line, referer, agent);
      return;
    }
    String path = req.uri();
    int q = path.indexOf('?');
    String alias = WebProxy.aliasOf(q < 0 ? path : path.substring(0, q));
    if (alias != null) {
      proxy.proxy(ch, req, alias, new WebProxy.Callback() {
        @Override
        public void answered(int status) {
          stats.record(status);
          log(ch, line, status, referer, agent);
        }

        @Override
        public void fail(int status, String detail) {
          ch.config().setAutoRead(true);
          MicroException e = MicroException.of(Lookups.ID, status, detail,
              MicroException.statusText(status));
          write(ch, origin, Reply.error(e), keepAlive, line, referer, agent);
        }

        @Override
        public void tunnel(ChannelHandler relay) {
          stats.record(101);
          log(ch, line, 101, referer, agent);
          ch.pipeline().remove("web");
          ch.pipeline().remove("aggregate");
          ch.pipeline().remove("idle");
          ch.pipeline().addLast("relay", relay);
          ch.pipeline().remove("http"); // bytes it buffered go on to the relay
        }
      });
      return;
    }
    String method = req.method().name();
    String uri = req.uri();
    var headers = req.headers().copy();
    byte[] body = ByteBufUtil.getBytes(req.content());
    req.release();
    try {
      workers.execute(() -> {
        Reply r = dashboard.handle(method, uri, headers, body);
        write(ch, origin, r, keepAlive, line, referer, agent);
      });
    } catch (RejectedExecutionException e) {
      write(ch, origin, Reply.error(MicroException.of(Lookups.ID, 503, "web: busy, try again",
          "Service Unavailable")), false, line, referer, agent);
    }
  }

  private void write(Channel ch, String origin, Reply r, boolean keepAlive, String line,
      String referer, String agent) {
    FullHttpResponse rsp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.valueOf(r.status()), Unpooled.wrappedBuffer(r.body()));
    rsp.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
    r.headers().forEach(rsp.headers()::set);
    rsp.headers().set("X-Content-Type-Options", "nosniff");
    if (origin != null && (cors.contains("*") || cors.contains(origin))) {
      rsp.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
      rsp.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "POST, GET, OPTIONS, PUT, DELETE");
      rsp.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS,
          "Content-Type, Content-Length, Accept-Encoding, X-CSRF-Token, Authorization");
      rsp.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
    }
    HttpUtil.setContentLength(rsp, r.body().length);
    HttpUtil.setKeepAlive(rsp, keepAlive);
    stats.record(r.status());
    log(ch, line, r.status(), referer, agent);
    ChannelFuture f = ch.writeAndFlush(rsp);
    if (!keepAlive) {
      f.addListener(ChannelFutureListener.CLOSE);
    }
  }

  private static void log(Channel ch, String line, int status, String referer, String agent) {
    if (!ACCESS.isInfoEnabled()) {
      return;
    }
    String host = ch.remoteAddress() instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : "-";
    ACCESS.info("{} - - [{}] \"{}\" {} - \"{}\" \"{}\"", host, CLF.format(ZonedDateTime.now()),
        line, status, referer, agent);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      ctx.close();
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
