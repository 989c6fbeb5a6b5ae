package io.micro.plugins.broker.redis;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import io.micro.broker.Event;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * go-micro's broker message as its Redis broker writes it: Go's JSON of {@code broker.Message},
 * {@code {"Header":{"k":"v",...},"Body":"<standard base64>"}}. The same bytes are the pub/sub
 * payload and the {@code message} field of a stream entry.
 *
 * <p>Encoding writes what Go's {@code encoding/json} writes for the same message: header names
 * sorted, {@code <}, {@code >} and {@code &} escaped as &#92;u003c, &#92;u003e and &#92;u0026 (lower-case
 * hex, as Go), non-ASCII text as UTF-8. Decoding matches field names ignoring case (as Go's
 * decoder does); a null or missing header or body is empty. Thread-safe.
 */
final class WireFormat {
  /** The one field of a stream entry, holding the encoded message. */
  static final String FIELD = "message";

  private static final JsonFactory JSON = new JsonFactory();
  private static final CharacterEscapes GO_ESCAPES = new GoEscapes();

  private WireFormat() {}

  /** Encodes {@code event}; the result is about 4/3 of the body plus the headers. */
  static byte[] encode(Event event) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + event.body().length * 4 / 3);
    Map<String, String> headers = event.headers().size() > 1 ? new TreeMap<>(event.headers()) : event.headers();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.setCharacterEscapes(GO_ESCAPES);
      g.writeStartObject();
      g.writeObjectFieldStart("Header");
      for (Map.Entry<String, String> h : headers.entrySet()) {
        g.writeStringField(h.getKey(), h.getValue());
      }
      g.writeEndObject();
      g.writeFieldName("Body");
      g.writeBinary(event.body());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("encoding a broker message", e);
    }
    return out.toByteArray();
  }

  /**
   * Decodes a message.
   *
   * @throws IllegalArgumentException saying what is wrong with it
   */
  static Event decode(byte[] json) {
    Map<String, String> headers = new LinkedHashMap<>();
    byte[] body = new byte[0];
    try (JsonParser p = JSON.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("not a JSON object (expected: {\"Header\":{...},\"Body\":\"<base64>\"})");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken t = p.nextToken();
        if (field.equalsIgnoreCase("Header")) {
          if (t == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String name = p.currentName();
              JsonToken v = p.nextToken();
              if (v == JsonToken.VALUE_STRING) {
                headers.put(name, p.getText());
              } else if (v != JsonToken.VALUE_NULL) {
                throw new IllegalArgumentException("header " + name + " is " + v + " (expected: a string)");
              }
            }
          } else if (t != JsonToken.VALUE_NULL) {
            throw new IllegalArgumentException("Header is " + t + " (expected: an object)");
          }
        } else if (field.equalsIgnoreCase("Body")) {
          if (t == JsonToken.VALUE_STRING) {
            body = p.getBinaryValue();
          } else if (t != JsonToken.VALUE_NULL) {
            throw new IllegalArgumentException("Body is " + t + " (expected: base64 text)");
          }
        } else {
          p.skipChildren();
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT) {
        throw new IllegalArgumentException("truncated JSON object");
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    return new Event(headers, body);
  }

  /** Go's escaping: {@code <}, {@code >}, {@code &}, U+2028 and U+2029 as lower-case hex escapes. */
  private static final class GoEscapes extends CharacterEscapes {
    private static final int[] CODES = standardAsciiEscapesForJSON();
    private static final SerializableString LT = new SerializedString("\\u003c");
    private static final SerializableString GT = new SerializedString("\\u003e");
    private static final SerializableString AMP = new SerializedString("\\u0026");
    private static final SerializableString LS = new SerializedString("\\u2028");
    private static final SerializableString PS = new SerializedString("\\u2029");

    static {
      CODES['<'] = ESCAPE_CUSTOM;
      CODES['>'] = ESCAPE_CUSTOM;
      CODES['&'] = ESCAPE_CUSTOM;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return CODES;
    }

    @Override
    public @Nullable SerializableString getEscapeSequence(int ch) {
      return switch (ch) {
        case '<' -> LT;
        case '>' -> GT;
        case '&' -> AMP;
        case '\u2028' -> LS;
        case '\u2029' -> PS;
        default -> null; // everything else non-ASCII is written as UTF-8, as Go does
      };
    }
  }
}
