package io.micro.broker.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micro.broker.Event;
import java.io.IOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * go-micro's HTTP broker message on the wire: Go's default JSON of {@code broker.Message},
 * {@code {"Header":{"k":"v",...},"Body":"<base64>"}}. Field names are matched ignoring case, as Go's
 * decoder does; a null or missing body is empty.
 */
final class WireMessage {
  private static final ObjectMapper JSON = new ObjectMapper();

  private WireMessage() {}

  static byte[] encode(Map<String, String> headers, byte[] body) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("Header", headers);
    m.put("Body", Base64.getEncoder().encodeToString(body));
    try {
      return JSON.writeValueAsBytes(m);
    } catch (IOException e) {
      throw new IllegalStateException("encoding a broker message: " + e, e);
    }
  }

  /**
   * Decodes a message.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  static Event decode(byte[] json) {
    Map<String, String> headers = new LinkedHashMap<>();
    byte[] body = new byte[0];
    try (JsonParser p = JSON.getFactory().createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("broker message: not a JSON object");
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
                throw new IllegalArgumentException("broker message: header " + k + " is " + v
                    + " (expected: a string)");
              }
            }
          } else if (t != JsonToken.VALUE_NULL) {
            throw new IllegalArgumentException("broker message: Header is " + t + " (expected: an object)");
          }
        } else if (field.equalsIgnoreCase("Body")) {
          if (t == JsonToken.VALUE_STRING) {
            body = Base64.getDecoder().decode(p.getText());
          } else if (t != JsonToken.VALUE_NULL) {
            throw new IllegalArgumentException("broker message: Body is " + t + " (expected: base64 text)");
          }
        } else {
          p.skipChildren();
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("broker message: " + e.getMessage(), e);
    }
    return new Event(headers, body);
  }
}
