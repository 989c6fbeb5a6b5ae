package io.micro.broker.spi;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.micro.broker.Event;
import io.micro.errors.MicroException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * go-micro's broker message on the wire, for broker plugins that carry it as an opaque payload (the
 * HTTP broker's POST body, a NATS or MQTT payload, a Redis pub/sub message or stream field, a Kafka
 * record value): Go's {@code encoding/json} of {@code broker.Message{Header map[string]string;
 * Body []byte}}, i.e. {@code {"Header":{"k":"v",...},"Body":"<base64>"}}.
 *
 * <p>{@link #encode} writes exactly the bytes Go writes: header keys sorted by their UTF-8 bytes
 * (Go's map order), strings escaped as Go escapes them ({@code \"}, {@code \\}, {@code \b \f
 * \n \r \t}, other controls and {@code < > &} and U+2028/U+2029 as {@code \}{@code u00xx} with
 * lower-case hex; everything else raw UTF-8; an unpaired surrogate becomes {@code \}{@code ufffd},
 * as Go writes invalid UTF-8), the body in standard base64 with padding.
 *
 * <p>{@link #decode} reads Go's exact shape straight from the bytes (the common case: what Go and
 * this class write) and anything else Go's decoder accepts through a general JSON parser: field
 * names in any case, whitespace, unknown fields ignored, a repeated {@code Header} merged, a null or
 * missing header map or body empty, null header values skipped, base64 with line breaks. It is also
 * lenient where Go is strict in one way: base64 without padding is accepted.
 *
 * <p>Stateless and thread-safe; neither direction builds a tree or keeps a buffer between calls.
 */
public final class GoMicroMessage {
  /** The error id of a message that cannot be decoded (go-micro's broker id). */
  public static final String ERROR_ID = "go.micro.broker";

  private static final JsonFactory JSON = new JsonFactory();
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".getBytes(StandardCharsets.US_ASCII);
  private static final Comparator<String> GO_ORDER = GoMicroMessage::compareUtf8;

  private GoMicroMessage() {}

  /**
   * The JSON go-micro writes for {@code event}, byte for byte. Returns a new array the caller owns.
   * Never fails (every {@link Event} has an encoding).
   */
  public static byte[] encode(Event event) {
    Map<String, String> headers = event.headers();
    byte[] body = event.body();
    int b64 = (body.length + 2) / 3 * 4;
    Out out = new Out(32 + b64 + headers.size() * 64);
    out.ascii("{\"Header\":{");
    String[] keys = headers.keySet().toArray(new String[0]);
    if (keys.length > 1) {
      Arrays.sort(keys, GO_ORDER);
    }
    for (int i = 0; i < keys.length; i++) {
      if (i > 0) {
        out.put(',');
      }
      out.string(keys[i]);
      out.put(':');
      out.string(headers.get(keys[i]));
    }
    out.ascii("},\"Body\":\"");
    out.base64(body, b64);
    out.ascii("\"}");
    return out.bytes();
  }

  /**
   * Reads a message; {@code json} is not modified nor kept.
   *
   * @throws MicroException 400 ({@link #ERROR_ID}) whose detail says what is wrong, e.g.
   *     {@code "broker message: header a is VALUE_NUMBER_INT (expected: a string)"}
   */
  public static Event decode(byte[] json) {
    Event fast = GoMicroFastReader.read(json);
    return fast != null ? fast : decodeAnyJson(json);
  }

  /** The general path: any JSON Go's decoder would take (whitespace, other fields, escapes, nulls). */
  static Event decodeAnyJson(byte[] json) {
    Map<String, String> headers = new LinkedHashMap<>();
    byte[] body = new byte[0];
    try (JsonParser p = JSON.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw invalid("not a JSON object (expected: {\"Header\":{...},\"Body\":\"<base64>\"})");
      }
      JsonToken field;
      while ((field = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        if (name.equalsIgnoreCase("Header")) {
          if (t == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String k = p.currentName();
              JsonToken v = p.nextToken();
              if (v == JsonToken.VALUE_STRING) {
                headers.put(k, p.getText());
              } else if (v != JsonToken.VALUE_NULL) {
                throw invalid("header " + k + " is " + v + " (expected: a string)");
              }
            }
          } else if (t != JsonToken.VALUE_NULL) {
            throw invalid("Header is " + t + " (expected: an object)");
          }
        } else if (name.equalsIgnoreCase("Body")) {
          if (t == JsonToken.VALUE_STRING) {
            body = base64(p.getText());
          } else if (t == JsonToken.VALUE_NULL) {
            body = new byte[0];
          } else {
            throw invalid("Body is " + t + " (expected: base64 text)");
          }
        } else {
          p.skipChildren();
        }
      }
      if (field != JsonToken.END_OBJECT) {
        throw invalid("truncated JSON object");
      }
      if (p.nextToken() != null) {
        throw invalid("data after the JSON object");
      }
    } catch (JsonProcessingException e) {
      throw invalid("not JSON: " + firstLine(e.getOriginalMessage())).withCause(e);
    } catch (IOException e) {
      throw invalid("not JSON: " + firstLine(e.getMessage())).withCause(e);
    }
    return new Event(headers, body);
  }

  private static MicroException invalid(String what) {
    return MicroException.badRequest(ERROR_ID, "broker message: %s", what);
  }

  private static String firstLine(@Nullable String s) {
    if (s == null) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** Standard base64 as Go's decoder takes it: the line breaks it skips (and padding) optional. */
  private static byte[] base64(String text) {
    String s = text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0 ? text.replaceAll("[\r\n]", "") : text;
    try {
      return Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      throw invalid("Body is not base64 (" + e.getMessage() + ")").withCause(e);
    }
  }

  /** Go's map key order: byte-wise on UTF-8, which is code point order. */
  static int compareUtf8(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  /** A growable byte buffer (not synchronized) that writes JSON strings the way Go's encoder does. */
  private static final class Out {
    private byte[] buf;
    private int len;

    Out(int size) {
      buf = new byte[size];
    }

    byte[] bytes() {
      return len == buf.length ? buf : Arrays.copyOf(buf, len);
    }

    void put(int b) {
      if (len == buf.length) {
        buf = Arrays.copyOf(buf, buf.length * 2 + 16);
      }
      buf[len++] = (byte) b;
    }

    private void room(int n) {
      if (len + n > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
      }
    }

    void ascii(String s) {
      room(s.length());
      for (int i = 0; i < s.length(); i++) {
        buf[len++] = (byte) s.charAt(i);
      }
    }

    /** Standard base64 with padding, as Go's {@code base64.StdEncoding}. */
    void base64(byte[] src, int encodedLength) {
      room(encodedLength);
      byte[] b = buf;
      int o = len;
      int whole = src.length - src.length % 3;
      for (int i = 0; i < whole; i += 3) {
        int v = (src[i] & 0xff) << 16 | (src[i + 1] & 0xff) << 8 | (src[i + 2] & 0xff);
        b[o++] = ALPHABET[v >>> 18];
        b[o++] = ALPHABET[(v >>> 12) & 63];
        b[o++] = ALPHABET[(v >>> 6) & 63];
        b[o++] = ALPHABET[v & 63];
      }
      int rest = src.length - whole;
      if (rest > 0) {
        int v = (src[whole] & 0xff) << 16 | (rest == 2 ? (src[whole + 1] & 0xff) << 8 : 0);
        b[o++] = ALPHABET[v >>> 18];
        b[o++] = ALPHABET[(v >>> 12) & 63];
        b[o++] = rest == 2 ? ALPHABET[(v >>> 6) & 63] : (byte) '=';
        b[o++] = '=';
      }
      len = o;
    }

    void string(String s) {
      put('"');
      room(s.length());
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&') {
          if (len == buf.length) {
            room(1);
          }
          buf[len++] = (byte) c;
        } else if (c < 0x80) {
          ascii(c);
        } else if (c < 0x800) {
          put(0xc0 | (c >> 6));
          put(0x80 | (c & 0x3f));
        } else if (c == '\u2028' || c == '\u2029') {
          escapeU(c);
        } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          int cp = Character.toCodePoint(c, s.charAt(++i));
          put(0xf0 | (cp >> 18));
          put(0x80 | ((cp >> 12) & 0x3f));
          put(0x80 | ((cp >> 6) & 0x3f));
          put(0x80 | (cp & 0x3f));
        } else if (Character.isSurrogate(c)) {
          escapeU('\ufffd');
        } else {
          put(0xe0 | (c >> 12));
          put(0x80 | ((c >> 6) & 0x3f));
          put(0x80 | (c & 0x3f));
        }
      }
      put('"');
    }

    private void ascii(char c) {
      switch (c) {
        case '"', '\\' -> {
          put('\\');
          put(c);
        }
        case '\b' -> twoChars('b');
        case '\f' -> twoChars('f');
        case '\n' -> twoChars('n');
        case '\r' -> twoChars('r');
        case '\t' -> twoChars('t');
        case '<', '>', '&' -> escapeU(c);
        default -> {
          if (c < 0x20) {
            escapeU(c);
          } else {
            put(c);
          }
        }
      }
    }

    private void twoChars(char c) {
      put('\\');
      put(c);
    }

    private void escapeU(char c) {
      put('\\');
      put('u');
      put(HEX[(c >> 12) & 0xf]);
      put(HEX[(c >> 8) & 0xf]);
      put(HEX[(c >> 4) & 0xf]);
      put(HEX[c & 0xf]);
    }
  }
}
