package io.micro.plugins.broker.mqtt;

import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.micro.broker.Event;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The MQTT payload: go-micro's broker message as Go's {@code encoding/json} writes it (the codec
 * {@code json.Marshaler} of go-micro's {@code broker/mqtt} plugin), because MQTT 3.1.1 has no
 * message headers:
 *
 * <pre>{@code {"Header":{"Content-Type":"application/json","Micro-ID":"…","Micro-Topic":"…"},"Body":"<base64>"}}</pre>
 *
 * The body is standard base64 with padding (Go's {@code []byte}); a {@code null} or missing body or
 * header is empty; field names are matched ignoring case, as Go's decoder does; unknown fields are
 * skipped. Stateless and thread-safe.
 */
final class WireFormat {
  private static final JsonFactory JSON = new JsonFactory();

  private WireFormat() {}

  /** Encodes headers and body. */
  static byte[] encode(Map<String, String> headers, byte[] body) {
    ByteArrayBuilder out = new ByteArrayBuilder(64 + body.length * 4 / 3);
    try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      g.writeObjectFieldStart("Header");
      for (Map.Entry<String, String> e : headers.entrySet()) {
        g.writeStringField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
      g.writeFieldName("Body");
      g.writeBinary(Base64Variants.MIME_NO_LINEFEEDS, body, 0, body.length);
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("encoding a broker message: " + e, e);
    }
    return out.toByteArray();
  }

  /**
   * Decodes a payload.
   *
   * @throws IllegalArgumentException saying what is wrong with it
   */
  static Event decode(byte[] payload) {
    Map<String, String> headers = new LinkedHashMap<>();
    byte[] body = new byte[0];
    try (JsonParser p = JSON.createParser(payload)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("not a JSON object (expected: {\"Header\":{...},\"Body\":\"<base64>\"})");
      }
      JsonToken field;
      while ((field = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        if (name.equalsIgnoreCase("Header")) {
          readHeaders(p, t, headers);
        } else if (name.equalsIgnoreCase("Body")) {
          if (t == JsonToken.VALUE_STRING) {
            body = p.getBinaryValue(Base64Variants.MIME_NO_LINEFEEDS);
          } else if (t != JsonToken.VALUE_NULL) {
            throw new IllegalArgumentException("Body is " + t + " (expected: base64 text)");
          }
        } else {
          p.skipChildren();
        }
      }
      if (field != JsonToken.END_OBJECT) {
        throw new IllegalArgumentException("truncated JSON object");
      }
      if (p.nextToken() != null) {
        throw new IllegalArgumentException("data after the JSON object");
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(shortMessage(e), e);
    }
    return new Event(headers, body);
  }

  private static void readHeaders(JsonParser p, JsonToken t, Map<String, String> headers) throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return;
    }
    if (t != JsonToken.START_OBJECT) {
      throw new IllegalArgumentException("Header is " + t + " (expected: an object of strings)");
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      JsonToken v = p.nextToken();
      if (v == JsonToken.VALUE_STRING) {
        headers.put(key, p.getText());
      } else if (v != JsonToken.VALUE_NULL) {
        throw new IllegalArgumentException("header " + key + " is " + v + " (expected: a string)");
      }
    }
  }

  private static String shortMessage(IOException e) {
    String m = e.getMessage() == null ? e.toString() : e.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
