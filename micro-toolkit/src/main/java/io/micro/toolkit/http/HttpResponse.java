package io.micro.toolkit.http;

import io.micro.errors.MicroException;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a handler answers: a status, headers and a whole body, or a websocket ({@link
 * #webSocket}). The server adds {@code Content-Length}, the CORS headers and {@code Connection}.
 * Instances are immutable; {@link #withHeader} returns a copy.
 */
public final class HttpResponse {
  private static final byte[] NONE = new byte[0];

  private final int status;
  private final HttpHeaders headers;
  private final byte[] body;
  private final @Nullable WebSocketHandler webSocket;
  private final List<String> subprotocols;
  private final @Nullable Relay relay;

  private HttpResponse(int status, HttpHeaders headers, byte[] body, @Nullable WebSocketHandler webSocket,
      List<String> subprotocols, @Nullable Relay relay) {
    if (status < 100 || status > 999) {
      throw new IllegalArgumentException("status: " + status + " (expected: 100..999)");
    }
    this.status = status;
    this.headers = headers;
    this.body = body;
    this.webSocket = webSocket;
    this.subprotocols = subprotocols;
    this.relay = relay;
  }

  /** A response with {@code body} of {@code contentType} (none when empty). */
  public static HttpResponse of(int status, String contentType, byte[] body) {
    HttpHeaders h = new DefaultHttpHeaders();
    if (!contentType.isEmpty()) {
      h.set(HttpHeaderNames.CONTENT_TYPE, contentType);
    }
    return new HttpResponse(status, h, Objects.requireNonNull(body, "body"), null, List.of(), null);
  }

  /** 200 with the UTF-8 text {@code body} of {@code contentType}. */
  public static HttpResponse ok(String contentType, String body) {
    return of(200, contentType, body.getBytes(StandardCharsets.UTF_8));
  }

  /** A JSON response ({@code Content-Type: application/json}). */
  public static HttpResponse json(int status, byte[] body) {
    return of(status, "application/json", body);
  }

  /** A response without a body. */
  public static HttpResponse empty(int status) {
    return new HttpResponse(status, new DefaultHttpHeaders(), NONE, null, List.of(), null);
  }

  /** The error as go-micro answers it: status = the error's code (500 when not an HTTP status), body = its JSON. */
  public static HttpResponse error(MicroException e) {
    int code = e.code() >= 100 && e.code() <= 599 ? e.code() : 500;
    return json(code, e.toJson().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Accepts a websocket upgrade and hands the connection to {@code handler}. The request must be a
   * websocket upgrade ({@link HttpRequest#isWebSocketUpgrade()}), otherwise the server answers 400.
   * Frames larger than the server's websocket frame limit close the socket with status 1009.
   */
  public static HttpResponse webSocket(WebSocketHandler handler, String... subprotocols) {
    return new HttpResponse(101, new DefaultHttpHeaders(), NONE, Objects.requireNonNull(handler, "handler"),
        List.of(subprotocols), null);
  }

  /** A response whose head and body the relay writes itself (the proxy's streamed responses). */
  static HttpResponse relay(Relay relay) {
    return new HttpResponse(200, new DefaultHttpHeaders(), NONE, null, List.of(), relay);
  }

  /** A copy with header {@code name} set to {@code value} (replacing earlier values). */
  public HttpResponse withHeader(String name, String value) {
    HttpHeaders h = new DefaultHttpHeaders().set(headers);
    h.set(name, value);
    return new HttpResponse(status, h, body, webSocket, subprotocols, relay);
  }

  /** A copy with header {@code name} added to the existing values. */
  public HttpResponse addHeader(String name, String value) {
    HttpHeaders h = new DefaultHttpHeaders().set(headers);
    h.add(name, value);
    return new HttpResponse(status, h, body, webSocket, subprotocols, relay);
  }

  /** The status code. */
  public int status() {
    return status;
  }

  /** The headers (a copy is made by {@link #withHeader}; do not modify). */
  public HttpHeaders headers() {
    return headers;
  }

  /** The body; shared, do not modify. */
  public byte[] body() {
    return body;
  }

  /** The body as UTF-8 text. */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  @Nullable WebSocketHandler webSocketHandler() {
    return webSocket;
  }

  List<String> subprotocols() {
    return subprotocols;
  }

  @Nullable Relay relayer() {
    return relay;
  }

  @Override
  public String toString() {
    return "HttpResponse " + status + " (" + body.length + " bytes)";
  }

  /** Writes a response directly to the client connection (package-private: used by the proxy). */
  interface Relay {
    /**
     * Starts writing to {@code exchange}'s connection; must end by calling {@link Exchange#finished}
     * exactly once, on the connection's event loop.
     */
    void start(Exchange exchange);
  }
}
