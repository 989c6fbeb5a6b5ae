package io.micro.codec.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.google.protobuf.Internal;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.micro.codec.Codec;
import io.micro.errors.MicroException;
import java.io.IOException;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code application/json} codec, written as go-micro writes JSON and read as tolerantly.
 *
 * <ul>
 *   <li>Records and plain objects go through Jackson: output uses the Java property names; input
 *       ignores unknown fields and accepts both {@code camelCase} and {@code snake_case} names.
 *   <li>Protobuf messages ({@link Message}) go through {@link JsonFormat}: output keeps the proto
 *       field names ({@code snake_case}), omits defaults and has no insignificant whitespace; input
 *       accepts lowerCamel or original names and ignores unknown fields.
 *   <li>Every encoded value ends with {@code "\n"}, as Go's {@code json.Encoder} writes it.
 *   <li>{@code byte[]} and {@code String} pass through raw in both directions (the caller already
 *       holds JSON text); an empty or blank body reads as {@code {}}.
 * </ul>
 *
 * <p>Input is bounded: nesting depth (default 64) and string length (default 4 MiB). A body that
 * cannot be read throws a 400 {@link MicroException} saying what was wrong and where, e.g.
 * {@code malformed JSON body for Request: Unexpected character ('}' ...) at line 1, column 9}.
 * Readers and writers are resolved once per type and cached. Instances are safe for concurrent use.
 */
public final class JsonCodec implements Codec {
  /** {@code application/json}. */
  public static final String CONTENT_TYPE = "application/json";

  private static final String ERROR_ID = "go.micro.codec";
  private static final byte[] EMPTY_OBJECT = {'{', '}'};

  private final ObjectMapper mapper;
  private final JsonFormat.Printer protoPrinter;
  private final JsonFormat.Parser protoParser;
  private final int maxNestingDepth;
  private final ClassValue<Writer> writers = new ClassValue<>() {
    @Override
    protected Writer computeValue(Class<?> type) {
      return writerFor(type);
    }
  };
  private final ClassValue<Reader> classReaders = new ClassValue<>() {
    @Override
    protected Reader computeValue(Class<?> type) {
      return readerFor(type);
    }
  };
  private final ConcurrentHashMap<Type, Reader> genericReaders = new ConcurrentHashMap<>();

  private JsonCodec(Builder b) {
    JsonFactory factory = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder()
            .maxNestingDepth(b.maxNestingDepth)
            .maxStringLength(b.maxStringLength)
            .build())
        .build();
    this.mapper = JsonMapper.builder(factory)
        .annotationIntrospector(new LenientNames())
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
        .build();
    this.protoPrinter = JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace();
    this.protoParser = JsonFormat.parser().ignoringUnknownFields();
    this.maxNestingDepth = b.maxNestingDepth;
  }

  /** A codec with the default bounds (nesting depth 64, strings up to 4 MiB). */
  public static JsonCodec create() {
    return builder().build();
  }

  /** A builder for a codec with other bounds. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String contentType() {
    return CONTENT_TYPE;
  }

  /** Encodes {@code value} as one JSON value followed by {@code "\n"}; 500 when it cannot be encoded. */
  @Override
  public byte[] marshal(Object value) {
    return writers.get(value.getClass()).write(value);
  }

  /** Decodes {@code data} into {@code type}; 400 when the body is not valid JSON for that type. */
  @Override
  public Object unmarshal(byte[] data, Type type) {
    Reader reader = type instanceof Class<?> c
        ? classReaders.get(c)
        : genericReaders.computeIfAbsent(type, this::readerFor);
    try {
      return reader.read(isBlank(data) ? EMPTY_OBJECT : data);
    } catch (StreamReadException e) {
      throw MicroException.badRequest(ERROR_ID, "malformed JSON body for %s: %s",
          typeName(type), describe(e)).withCause(e);
    } catch (JsonProcessingException e) {
      throw MicroException.badRequest(ERROR_ID, "invalid JSON body for %s: %s",
          typeName(type), describe(e)).withCause(e);
    } catch (InvalidProtocolBufferException e) {
      throw MicroException.badRequest(ERROR_ID, "malformed JSON body for %s: %s",
          typeName(type), e.getMessage()).withCause(e);
    } catch (IOException e) {
      throw MicroException.badRequest(ERROR_ID, "unreadable JSON body for %s: %s",
          typeName(type), e.getMessage()).withCause(e);
    }
  }

  private Writer writerFor(Class<?> type) {
    if (type == byte[].class) {
      return v -> (byte[]) v;
    }
    if (type == String.class) {
      return v -> ((String) v).getBytes(StandardCharsets.UTF_8);
    }
    if (Message.class.isAssignableFrom(type)) {
      return v -> {
        StringBuilder sb = new StringBuilder(64);
        try {
          protoPrinter.appendTo((Message) v, sb);
        } catch (IOException e) {
          throw encodeError(type, e);
        }
        return sb.append('\n').toString().getBytes(StandardCharsets.UTF_8);
      };
    }
    ObjectWriter writer = mapper.writerFor(type);
    return v -> {
      try (ByteArrayBuilder out = new ByteArrayBuilder(128)) {
        writer.writeValue(out, v);
        out.write('\n');
        return out.toByteArray();
      } catch (IOException e) {
        throw encodeError(type, e);
      }
    };
  }

  private Reader readerFor(Type type) {
    if (type == byte[].class) {
      return data -> data == EMPTY_OBJECT ? new byte[0] : data;
    }
    if (type == String.class) {
      return data -> data == EMPTY_OBJECT ? "" : new String(data, StandardCharsets.UTF_8);
    }
    if (type instanceof Class<?> c && Message.class.isAssignableFrom(c)) {
      @SuppressWarnings("unchecked")
      Message prototype = Internal.getDefaultInstance((Class<Message>) c);
      return data -> {
        if (data == EMPTY_OBJECT) {
          return prototype;
        }
        checkDepth(data, maxNestingDepth);
        Message.Builder builder = prototype.newBuilderForType();
        protoParser.merge(new String(data, StandardCharsets.UTF_8), builder);
        return builder.build();
      };
    }
    ObjectReader reader = mapper.readerFor(mapper.constructType(type));
    return reader::readValue;
  }

  /** Fails when objects and arrays nest deeper than {@code max} (Jackson checks this itself). */
  private static void checkDepth(byte[] data, int max) throws InvalidProtocolBufferException {
    int depth = 0;
    boolean inString = false;
    for (int i = 0; i < data.length; i++) {
      byte b = data[i];
      if (inString) {
        if (b == '\\') {
          i++;
        } else if (b == '"') {
          inString = false;
        }
      } else if (b == '"') {
        inString = true;
      } else if (b == '{' || b == '[') {
        if (++depth > max) {
          throw new InvalidProtocolBufferException(
              "nesting depth " + depth + " at offset " + i + " (expected: <= " + max + ")");
        }
      } else if (b == '}' || b == ']') {
        depth--;
      }
    }
  }

  private static MicroException encodeError(Class<?> type, Exception e) {
    return MicroException.internalServerError(ERROR_ID, "cannot encode %s as JSON: %s",
        type.getSimpleName(), e.getMessage()).withCause(e);
  }

  private static String describe(JsonProcessingException e) {
    JsonLocation loc = e.getLocation();
    String msg = e.getOriginalMessage();
    if (loc == null || loc.getLineNr() < 0) {
      return msg;
    }
    return msg + " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
  }

  private static String typeName(Type type) {
    return type instanceof Class<?> c ? c.getSimpleName() : type.getTypeName();
  }

  private static boolean isBlank(byte[] data) {
    for (byte b : data) {
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return false;
      }
    }
    return true;
  }

  @FunctionalInterface
  private interface Reader {
    Object read(byte[] data) throws IOException;
  }

  @FunctionalInterface
  private interface Writer {
    byte[] write(Object value);
  }

  /** Bounds for input; build with {@link #build()}. */
  public static final class Builder {
    private int maxNestingDepth = 64;
    private int maxStringLength = 4 * 1024 * 1024;

    private Builder() {}

    /** The deepest nesting of objects and arrays accepted on input (default 64). */
    public Builder maxNestingDepth(int depth) {
      if (depth < 1) {
        throw new IllegalArgumentException("maxNestingDepth: " + depth + " (expected: >= 1)");
      }
      this.maxNestingDepth = depth;
      return this;
    }

    /** The longest string value accepted on input, in characters (default 4 MiB). */
    public Builder maxStringLength(int length) {
      if (length < 1) {
        throw new IllegalArgumentException("maxStringLength: " + length + " (expected: >= 1)");
      }
      this.maxStringLength = length;
      return this;
    }

    /** The codec. */
    public JsonCodec build() {
      return new JsonCodec(this);
    }
  }
}
