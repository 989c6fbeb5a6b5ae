package io.micro.codec.bytes;

import io.micro.codec.Codec;
import io.micro.errors.MicroException;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;

/**
 * The {@code application/octet-stream} codec: raw bytes, go-micro's {@code bytes} codec.
 *
 * <p>Reads and writes {@code byte[]} unchanged; {@code String} is accepted as UTF-8 for convenience.
 * Any other type fails with a 500 naming it. Stateless and safe for concurrent use.
 */
public final class BytesCodec implements Codec {
  /** {@code application/octet-stream}. */
  public static final String CONTENT_TYPE = "application/octet-stream";

  private static final String ERROR_ID = "go.micro.codec";
  private static final BytesCodec INSTANCE = new BytesCodec();

  private BytesCodec() {}

  /** The codec. */
  public static BytesCodec create() {
    return INSTANCE;
  }

  @Override
  public String contentType() {
    return CONTENT_TYPE;
  }

  /** {@code byte[]} unchanged, {@code String} as UTF-8; 500 for anything else. */
  @Override
  public byte[] marshal(Object value) {
    if (value instanceof byte[] raw) {
      return raw;
    }
    if (value instanceof String s) {
      return s.getBytes(StandardCharsets.UTF_8);
    }
    throw MicroException.internalServerError(ERROR_ID,
        "cannot encode %s as %s (expected: byte[] or String)", value.getClass().getName(), CONTENT_TYPE);
  }

  /** {@code data} itself for {@code byte[]}, decoded UTF-8 for {@code String}; 500 for anything else. */
  @Override
  public Object unmarshal(byte[] data, Type type) {
    if (type == byte[].class || type == Object.class) {
      return data;
    }
    if (type == String.class) {
      return new String(data, StandardCharsets.UTF_8);
    }
    throw MicroException.internalServerError(ERROR_ID,
        "cannot decode %s as %s (expected: byte[] or String)", type.getTypeName(), CONTENT_TYPE);
  }
}
