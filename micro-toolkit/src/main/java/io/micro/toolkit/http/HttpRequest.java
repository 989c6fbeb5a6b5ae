package io.micro.toolkit.http;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP request as a handler sees it: the head, the whole body (at most the server's body limit)
 * and where it came from. The path is already checked: it is absolute, has no {@code .} or {@code
 * ..} segment and no encoded {@code /}, {@code \} or NUL (such requests are answered 400 before
 * routing). Instances are not modified by the server once handed to a handler; the headers must
 * not be modified by handlers either.
 */
public final class HttpRequest {
  private final String method;
  private final String uri;
  private final QueryStringDecoder decoded;
  private final HttpHeaders headers;
  private final byte[] body;
  private final SocketAddress remote;
  private final boolean secure;
  private final boolean keepAlive;
  private final io.netty.channel.@Nullable Channel channel;
  private @Nullable String contentType; // computed on first use (handlers ask more than once)

  HttpRequest(String method, String uri, QueryStringDecoder decoded, HttpHeaders headers, byte[] body,
      SocketAddress remote, boolean secure, boolean keepAlive, io.netty.channel.@Nullable Channel channel) {
    this.method = method;
    this.uri = uri;
    this.decoded = decoded;
    this.headers = headers;
    this.body = body;
    this.remote = remote;
    this.secure = secure;
    this.keepAlive = keepAlive;
    this.channel = channel;
  }

  /**
   * A request made in-process (tests, internal dispatch) from {@code 127.0.0.1}: {@code uri} is
   * path and query, {@code headers} alternate names and values.
   */
  public static HttpRequest of(String method, String uri, byte[] body, String... headers) {
    DefaultHttpHeaders h = new DefaultHttpHeaders();
    for (int i = 0; i + 1 < headers.length; i += 2) {
      h.add(headers[i], headers[i + 1]);
    }
    return new HttpRequest(method, uri, new QueryStringDecoder(uri), h, body,
        new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), false, true, null);
  }

  /** The method, upper case as sent ({@code GET}, {@code POST}, ...). */
  public String method() {
    return method;
  }

  /** The request target as sent: path and query, still percent-encoded. */
  public String uri() {
    return uri;
  }

  /** The decoded path, e.g. {@code /greeter/say/hello}. */
  public String path() {
    return decoded.path();
  }

  /** The raw (still encoded) path of {@link #uri()}, without the query. */
  public String rawPath() {
    return decoded.rawPath();
  }

  /** The raw query string without {@code ?}, empty when there is none. */
  public String rawQuery() {
    return decoded.rawQuery();
  }

  /** The decoded query parameters in order of first appearance; each has its values in order. */
  public Map<String, List<String>> query() {
    return decoded.parameters();
  }

  /** The first value of query parameter {@code name}, or null. */
  public @Nullable String queryParam(String name) {
    List<String> v = decoded.parameters().get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  /** The request headers (case-insensitive names). Read only. */
  public HttpHeaders headers() {
    return headers;
  }

  /** The first value of header {@code name}, or null. */
  public @Nullable String header(CharSequence name) {
    return headers.get(name);
  }

  /** The body (empty when there was none). The array is shared: do not modify it. */
  public byte[] body() {
    return body;
  }

  /** The media type of {@code Content-Type} in lower case without parameters, or empty. */
  public String contentType() {
    String known = contentType;
    if (known == null) {
      String ct = headers.get(HttpHeaderNames.CONTENT_TYPE);
      int semi = ct == null ? -1 : ct.indexOf(';');
      known = ct == null ? "" : (semi < 0 ? ct : ct.substring(0, semi)).strip().toLowerCase(java.util.Locale.ROOT);
      contentType = known; // a benign race: every thread computes the same value
    }
    return known;
  }

  /** The connection the request came on (null for {@link #of} requests). */
  io.netty.channel.@Nullable Channel channel() {
    return channel;
  }

  /** The peer's address. */
  public SocketAddress remoteAddress() {
    return remote;
  }

  /** The peer's IP address as text (e.g. {@code 127.0.0.1}), or the address's text form. */
  public String remoteIp() {
    return remote instanceof InetSocketAddress isa && isa.getAddress() != null
        ? isa.getAddress().getHostAddress()
        : String.valueOf(remote);
  }

  /** Whether the connection is TLS. */
  public boolean secure() {
    return secure;
  }

  /** Whether the connection stays open after this request. */
  public boolean keepAlive() {
    return keepAlive;
  }

  /** Whether this is a websocket upgrade request ({@code Connection: upgrade}, {@code Upgrade: websocket}). */
  public boolean isWebSocketUpgrade() {
    return headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
        && headers.contains(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
  }

  @Override
  public String toString() {
    return method + " " + uri;
  }
}
