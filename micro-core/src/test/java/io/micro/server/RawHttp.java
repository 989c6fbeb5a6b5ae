package io.micro.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A bare HTTP/1.1 client on one persistent socket, to send exactly the bytes a Go peer sends. */
final class RawHttp implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  RawHttp(String address) throws IOException {
    int colon = address.lastIndexOf(':');
    socket = new Socket();
    socket.connect(new InetSocketAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))), 5000);
    socket.setSoTimeout(10_000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  /** One response: status code, headers (keys lower case) and body. */
  record Response(int status, Map<String, String> headers, byte[] body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    String text() {
      return new String(body, UTF_8);
    }
  }

  /** Sends {@code POST /} with the headers (Host and Content-Length added) and body. */
  Response post(Map<String, String> headers, byte[] body) throws IOException {
    StringBuilder head = new StringBuilder("POST / HTTP/1.1\r\nHost: ").append(socket.getInetAddress().getHostAddress())
        .append("\r\n");
    headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
    head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
    out.write(head.toString().getBytes(ISO_8859_1));
    out.write(body);
    out.flush();
    return read();
  }

  Response post(Map<String, String> headers, String body) throws IOException {
    return post(headers, body.getBytes(UTF_8));
  }

  /** Writes {@code bytes} as they are (a request built by hand, byte for byte). */
  void write(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** Waits up to {@code millis} for a byte; true when the peer sent nothing more (or closed). */
  boolean silentFor(int millis) throws IOException {
    int old = socket.getSoTimeout();
    socket.setSoTimeout(millis);
    try {
      in.mark(1);
      return in.read() == -1;
    } catch (java.net.SocketTimeoutException e) {
      return true;
    } finally {
      socket.setSoTimeout(old);
    }
  }

  /** Reads one response. */
  Response read() throws IOException {
    String status = line();
    if (status == null) {
      throw new IOException("connection closed before a response");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (String l = line(); l != null && !l.isEmpty(); l = line()) {
      int colon = l.indexOf(':');
      headers.put(l.substring(0, colon).strip().toLowerCase(Locale.ROOT), l.substring(colon + 1).strip());
    }
    int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    byte[] body = in.readNBytes(length);
    return new Response(Integer.parseInt(status.split(" ")[1]), headers, body);
  }

  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        String s = b.toString(ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      b.write(c);
    }
    return b.size() == 0 ? null : b.toString(ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  /** Closes with a TCP reset ({@code SO_LINGER 0}) instead of a FIN: a peer that vanished. */
  void reset() throws IOException {
    socket.setSoLinger(true, 0);
    socket.close();
  }
}
