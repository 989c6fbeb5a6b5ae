package io.micro.codec;

import org.jspecify.annotations.Nullable;

/**
 * A legacy RPC envelope around a message body: JSON-RPC ({@code application/json-rpc}) or proto-RPC
 * netstrings ({@code application/proto-rpc}), spoken to and by peers that send no {@code Micro-*}
 * routing headers.
 *
 * <p>Implementations are stateless and safe for concurrent use. Malformed input throws
 * {@link io.micro.errors.MicroException} with code 400.
 */
public interface Envelope {

  /** The content type of the envelope, e.g. {@code application/json-rpc}. */
  String contentType();

  /** The codec of the bodies inside the envelope. */
  Codec bodyCodec();

  /** Reads a request: its method ({@code Handler.Method}), id and encoded params. */
  Frame readRequest(byte[] data);

  /** Writes a request envelope. */
  byte[] writeRequest(Frame frame);

  /** Reads a response: its id, encoded result and error text (empty when none). */
  Frame readResponse(byte[] data);

  /** Writes a response envelope; a non-empty {@code error} replaces the result. */
  byte[] writeResponse(Frame frame);

  /**
   * One envelope's contents.
   *
   * @param method {@code Handler.Method}
   * @param id the request id, echoed in the response
   * @param body the encoded params or result; null for none
   * @param error error text; empty when none
   */
  record Frame(String method, String id, byte @Nullable [] body, String error) {}
}
