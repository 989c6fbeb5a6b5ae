package io.micro.transport.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** A blocking loopback socket that writes exact bytes and reads HTTP/1.1 messages. */
final class RawHttp implements AutoCloseable {
  final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  RawHttp(String address) throws IOException {
    int colon = address.lastIndexOf(':');
    socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", Integer.parseInt(address.substring(colon + 1))), 5000);
    socket.setSoTimeout(10_000);
    socket.setTcpNoDelay(true);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  RawHttp(Socket accepted) throws IOException {
    socket = accepted;
    socket.setSoTimeout(10_000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  void write(String s) throws IOException {
    write(s.getBytes(StandardCharsets.UTF_8));
  }

  void write(byte[] b) throws IOException {
    out.write(b);
    out.flush();
  }

  /** Writes one byte at a time, flushing each (TCP_NODELAY makes them separate segments). */
  void writeFragmented(String s) throws IOException {
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      out.write(b);
      out.flush();
    }
  }

  /** Reads one HTTP message (status or request line, headers, Content-Length body). */
  Response read() throws IOException {
    String first = line();
    Map<String, String> headers = new LinkedHashMap<>();
    for (String l = line(); !l.isEmpty(); l = line()) {
      int colon = l.indexOf(':');
      headers.putIfAbsent(l.substring(0, colon), l.substring(colon + 1).strip());
    }
    int length = Integer.parseInt(headers.getOrDefault("Content-Length", "0"));
    byte[] body = in.readNBytes(length);
    return new Response(first, headers, new String(body, StandardCharsets.UTF_8));
  }

  /** True when the peer closed the connection (read returns end of stream). */
  boolean closedByPeer() throws IOException {
    try {
      return in.read() == -1;
    } catch (java.net.SocketException e) {
      return true; // reset by peer
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != '\n') {
      if (c < 0) {
        throw new IOException("end of stream after \"" + b + "\"");
      }
      if (c != '\r') {
        b.write(c);
      }
    }
    return b.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  record Response(String statusLine, Map<String, String> headers, String body) {}
}
