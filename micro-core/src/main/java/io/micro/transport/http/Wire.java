package io.micro.transport.http;

import io.micro.errors.MicroException;
import io.micro.metadata.Metadata;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes go-micro's HTTP/1.1 framing straight into pooled buffers (one buffer per message, the body
 * copied in when small, appended as a second component when large) and reads Netty headers into
 * message header maps.
 */
final class Wire {
  private static final byte[] OK = ascii("HTTP/1.1 200 OK\r\n");
  private static final byte[] POST = ascii("POST / HTTP/1.1\r\nHost: ");
  private static final byte[] CONTENT_LENGTH = ascii("Content-Length: ");
  private static final byte[] CRLF = {'\r', '\n'};
  private static final byte[] COLON = {':', ' '};
  private static final byte[] CONTINUE = ascii("HTTP/1.1 100 Continue\r\n\r\n");
  private static final int COPY_LIMIT = 16 * 1024;

  private Wire() {}

  /** {@code HTTP/1.1 200 OK}: the echoed headers not overridden by {@code headers}, then {@code headers}. */
  static ByteBuf response(ByteBufAllocator alloc, Map<String, String> echo, Map<String, String> headers,
      byte[] body) {
    int size = OK.length + 32 + estimate(echo) + estimate(headers) + (body.length <= COPY_LIMIT ? body.length : 0);
    ByteBuf buf = alloc.buffer(size);
    buf.writeBytes(OK);
    for (Map.Entry<String, String> e : echo.entrySet()) {
      if (!headers.containsKey(e.getKey())) {
        header(buf, e.getKey(), e.getValue());
      }
    }
    for (Map.Entry<String, String> e : headers.entrySet()) {
      header(buf, Metadata.canonical(e.getKey()), e.getValue());
    }
    return finish(alloc, buf, body);
  }

  /** {@code POST / HTTP/1.1} with {@code Host}, the message headers and {@code Content-Length}. */
  static ByteBuf request(ByteBufAllocator alloc, String host, Map<String, String> headers, byte[] body) {
    int size = POST.length + host.length() + 32 + estimate(headers) + (body.length <= COPY_LIMIT ? body.length : 0);
    ByteBuf buf = alloc.buffer(size);
    buf.writeBytes(POST);
    ByteBufUtil.writeAscii(buf, host);
    buf.writeBytes(CRLF);
    for (Map.Entry<String, String> e : headers.entrySet()) {
      header(buf, Metadata.canonical(e.getKey()), e.getValue());
    }
    return finish(alloc, buf, body);
  }

  /** A non-200 status carrying {@code error} in {@code Micro-Error} and as the body. */
  static ByteBuf error(ByteBufAllocator alloc, MicroException error, boolean close) {
    byte[] json = error.toJson().getBytes(StandardCharsets.UTF_8);
    ByteBuf buf = alloc.buffer(160 + 2 * json.length);
    ByteBufUtil.writeAscii(buf, "HTTP/1.1 " + error.code() + " " + error.status() + "\r\n");
    header(buf, "Content-Type", "application/json");
    header(buf, "Micro-Error", error.toJson());
    if (close) {
      header(buf, "Connection", "close");
    }
    return finish(alloc, buf, json);
  }

  /** {@code HTTP/1.1 100 Continue}. */
  static ByteBuf continueResponse(ByteBufAllocator alloc) {
    return alloc.buffer(CONTINUE.length).writeBytes(CONTINUE);
  }

  private static ByteBuf finish(ByteBufAllocator alloc, ByteBuf buf, byte[] body) {
    buf.writeBytes(CONTENT_LENGTH);
    ByteBufUtil.writeAscii(buf, Integer.toString(body.length));
    buf.writeBytes(CRLF).writeBytes(CRLF);
    if (body.length <= COPY_LIMIT) {
      return buf.writeBytes(body);
    }
    CompositeByteBuf composite = alloc.compositeBuffer(2);
    composite.addComponents(true, buf, Unpooled.wrappedBuffer(body));
    return composite;
  }

  private static void header(ByteBuf buf, String name, String value) {
    if (isFraming(name) || !isToken(name)) {
      return;
    }
    ByteBufUtil.writeAscii(buf, name);
    buf.writeBytes(COLON);
    if (isSafeValue(value)) {
      ByteBufUtil.writeUtf8(buf, value);
    } else {
      ByteBufUtil.writeUtf8(buf, value.replaceAll("[\\x00-\\x1f\\x7f]", " "));
    }
    buf.writeBytes(CRLF);
  }

  /** Headers that the framing owns; never copied from a message. */
  static boolean isFraming(String name) {
    switch (name.length()) {
      case 4:
        return name.equalsIgnoreCase("Host");
      case 6:
        return name.equalsIgnoreCase("Expect");
      case 10:
        return name.equalsIgnoreCase("Connection");
      case 14:
        return name.equalsIgnoreCase("Content-Length");
      case 17:
        return name.equalsIgnoreCase("Transfer-Encoding");
      default:
        return false;
    }
  }

  private static boolean isToken(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c <= ' ' || c >= 0x7f || c == ':') {
        return false;
      }
    }
    return true;
  }

  private static boolean isSafeValue(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c < ' ' && c != '\t') || c == 0x7f) {
        return false;
      }
    }
    return true;
  }

  /**
   * The message headers of an HTTP message: canonical keys, the first value of each, without the
   * framing headers ({@code Host}, {@code Content-Length}, {@code Connection},
   * {@code Transfer-Encoding}, {@code Expect}). Unmodifiable.
   */
  static Map<String, String> headers(HttpHeaders headers) {
    int n = headers.size();
    if (n == 0) {
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>(n * 2);
    Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence();
    while (it.hasNext()) {
      Map.Entry<CharSequence, CharSequence> e = it.next();
      String name = e.getKey().toString();
      if (!isFraming(name)) {
        out.putIfAbsent(Metadata.canonical(name), e.getValue().toString());
      }
    }
    return Collections.unmodifiableMap(out);
  }

  /** {@code host:port}, IPv6 hosts in brackets. */
  static String address(SocketAddress address) {
    if (address instanceof InetSocketAddress a) {
      String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
      return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }
    return String.valueOf(address);
  }

  /**
   * Parses {@code host:port}, {@code [v6]:port} or {@code :port} (all interfaces when listening).
   *
   * @throws IllegalArgumentException naming the address when it has no valid port
   */
  static InetSocketAddress parse(String address, String wildcard) {
    int colon = address.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("address: \"" + address + "\" (expected: host:port)");
    }
    String host = address.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(address.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("address: \"" + address + "\" (expected: host:port)", e);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("address: \"" + address + "\" (expected: a port in 0..65535)");
    }
    return new InetSocketAddress(host.isEmpty() ? wildcard : host, port);
  }

  private static int estimate(Map<String, String> headers) {
    int n = 0;
    for (Map.Entry<String, String> e : headers.entrySet()) {
      n += e.getKey().length() + e.getValue().length() + 4;
    }
    return n;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
