package io.micro.codec;

import java.lang.reflect.Type;

/**
 * Encodes and decodes message bodies of one content type ({@code application/json},
 * {@code application/protobuf}, {@code application/octet-stream}).
 *
 * <p>Implementations are stateless and safe for concurrent use. Decoding failures throw
 * {@link io.micro.errors.MicroException} with code 400 and a detail that says what was wrong.
 */
public interface Codec {

  /** The content type this codec reads and writes, e.g. {@code application/json}. */
  String contentType();

  /** Encodes {@code value}; {@code byte[]} passes through unchanged where the format allows. */
  byte[] marshal(Object value);

  /** Decodes {@code data} into an instance of {@code type}. */
  Object unmarshal(byte[] data, Type type);
}
