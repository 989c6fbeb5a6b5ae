package io.micro.toolkit.http;

import java.util.concurrent.CompletionStage;

/** One open websocket: sends frames and closes it. Safe to call from any thread. */
public interface WebSocketSession {

  /** Sends a text frame; the stage completes when it was written. */
  CompletionStage<Void> sendText(String text);

  /** Sends a binary frame; the stage completes when it was written. */
  CompletionStage<Void> sendBinary(byte[] data);

  /** Sends a close frame with {@code code} and {@code reason}, then closes the connection. */
  void close(int code, String reason);

  /** Whether the socket is still open. */
  boolean isOpen();

  /** The subprotocol agreed in the handshake, or empty. */
  String subprotocol();

  /** The upgrade request that opened this socket. */
  HttpRequest request();
}
