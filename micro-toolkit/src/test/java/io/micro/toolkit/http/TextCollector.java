package io.micro.toolkit.http;

import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A JDK websocket listener for tests: queues each text message (and "ping" for each ping, when
 * asked to), records the close status, and keeps requesting. Pings are answered by the JDK client.
 */
final class TextCollector implements WebSocket.Listener {
  final LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>();
  final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private final boolean recordPings;

  TextCollector(boolean recordPings) {
    this.recordPings = recordPings;
  }

  TextCollector() {
    this(false);
  }

  @Override
  public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
    got.add(data.toString());
    w.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onPing(WebSocket w, ByteBuffer message) {
    if (recordPings) {
      got.add("ping");
    }
    return WebSocket.Listener.super.onPing(w, message); // requests one more and sends the pong
  }

  @Override
  public CompletionStage<?> onClose(WebSocket w, int status, String reason) {
    closed.complete(status);
    return null;
  }
}
