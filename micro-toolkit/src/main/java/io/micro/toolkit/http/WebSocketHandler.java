package io.micro.toolkit.http;

/**
 * Receives the events of one accepted websocket, always on the connection's event loop (so the
 * methods must not block; hand work to an executor). Text frames arrive as strings, binary frames
 * as bytes, both reassembled from fragments; pings are answered by the server.
 */
public interface WebSocketHandler {

  /** The handshake completed; {@code session} sends frames and closes. */
  void onOpen(WebSocketSession session);

  /** A text message arrived. */
  default void onText(WebSocketSession session, String text) {}

  /** A binary message arrived. */
  default void onBinary(WebSocketSession session, byte[] data) {}

  /**
   * The socket closed ({@code code} 1005 when the peer gave none, 1006 when the connection broke).
   * Called exactly once.
   */
  default void onClose(WebSocketSession session, int code, String reason) {}
}
