package io.micro.codec.proto;

import com.google.protobuf.Internal;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.micro.codec.Codec;
import io.micro.errors.MicroException;
import java.lang.reflect.Type;

/**
 * The {@code application/protobuf} codec: protobuf binary encoding of generated message types.
 *
 * <p>{@code byte[]} passes through unchanged both ways. Any other non-protobuf type is a programming
 * error and fails with a 500 naming the type; bytes that do not parse as the requested message fail
 * with a 400. Each type's parser ({@code getDefaultInstance().getParserForType()}) is resolved once
 * and cached. Instances are stateless apart from that cache and safe for concurrent use.
 */
public final class ProtoCodec implements Codec {
  /** {@code application/protobuf}. */
  public static final String CONTENT_TYPE = "application/protobuf";

  private static final String ERROR_ID = "go.micro.codec";

  private final ClassValue<Parser<?>> parsers = new ClassValue<>() {
    @Override
    protected Parser<?> computeValue(Class<?> type) {
      @SuppressWarnings("unchecked")
      Class<? extends MessageLite> messageType = (Class<? extends MessageLite>) type;
      return Internal.getDefaultInstance(messageType).getParserForType();
    }
  };

  private ProtoCodec() {}

  /** The codec. */
  public static ProtoCodec create() {
    return new ProtoCodec();
  }

  @Override
  public String contentType() {
    return CONTENT_TYPE;
  }

  /** The protobuf bytes of a {@link MessageLite}; {@code byte[]} unchanged; 500 for other types. */
  @Override
  public byte[] marshal(Object value) {
    if (value instanceof MessageLite m) {
      return m.toByteArray();
    }
    if (value instanceof byte[] raw) {
      return raw;
    }
    throw MicroException.internalServerError(ERROR_ID,
        "cannot encode %s as %s: not a protobuf message (expected: a com.google.protobuf.Message)",
        value.getClass().getName(), CONTENT_TYPE);
  }

  /** Parses {@code data} as {@code type}; 400 for bytes that do not parse, 500 for non-protobuf types. */
  @Override
  public Object unmarshal(byte[] data, Type type) {
    if (type == byte[].class) {
      return data;
    }
    if (!(type instanceof Class<?> c) || !MessageLite.class.isAssignableFrom(c)) {
      throw MicroException.internalServerError(ERROR_ID,
          "cannot decode %s as %s: not a protobuf message (expected: a com.google.protobuf.Message)",
          type.getTypeName(), CONTENT_TYPE);
    }
    try {
      return parsers.get(c).parseFrom(data);
    } catch (InvalidProtocolBufferException e) {
      throw MicroException.badRequest(ERROR_ID, "malformed protobuf body for %s: %s",
          c.getSimpleName(), e.getMessage()).withCause(e);
    }
  }
}
