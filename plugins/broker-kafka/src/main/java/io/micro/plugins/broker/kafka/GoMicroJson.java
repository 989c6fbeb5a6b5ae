package io.micro.plugins.broker.kafka;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * go-micro's broker message as its kafka plugin writes it into the record value: Go's default JSON of
 * {@code broker.Message}, {@code {"Header":{"k":"v",...},"Body":"<standard base64>"}}, header keys
 * sorted as Go sorts map keys. Decoding matches field names ignoring case, as Go does; a null or
 * missing body is empty, a null header map is empty.
 */
final class GoMicroJson {
  private static final JsonFactory JSON = new JsonFactory();

  private GoMicroJson() {}

  static byte[] encode(Map<String, String> headers, byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length * 4 / 3 + 64 + 32 * headers.size());
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeObjectFieldStart("Header");
      for (Map.Entry<String, String> e : new TreeMap<>(headers).entrySet()) {
        g.writeStringField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
      g.writeStringField("Body", Base64.getEncoder().encodeToString(body));
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("encoding a broker message", e);
    }
    return out.toByteArray();
  }

  /** The headers and body; throws {@link IllegalArgumentException} saying what is wrong. */
  static Decoded decode(byte[] json) {
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
              String k = p.currentName();
              JsonToken v = p.nextToken();
              if (v == JsonToken.VALUE_STRING) {
                headers.put(k, p.getText());
              } else if (v != JsonToken.VALUE_NULL) {
                throw new IllegalArgumentException("header " + k + " is " + v + " (expected: a string)");
              }
            }
          } else if (t != JsonToken.VALUE_NULL) {
            throw new IllegalArgumentException("Header is " + t + " (expected: an object)");
          }
        } else if (field.equalsIgnoreCase("Body")) {
          if (t == JsonToken.VALUE_STRING) {
            body = Base64.getDecoder().decode(p.getText());
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
      throw new IllegalArgumentException("invalid JSON: " + firstLine(String.valueOf(e.getMessage())), e);
    }
    return new Decoded(headers, body);
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** A decoded message; {@code headers} is mutable, for the caller to add record headers to. */
  record Decoded(Map<String, String> headers, byte[] body) {}
}
