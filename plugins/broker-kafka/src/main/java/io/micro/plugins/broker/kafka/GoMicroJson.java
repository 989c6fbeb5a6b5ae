package io.micro.plugins.broker.kafka;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * go-micro's broker message as its kafka plugin writes it into the record value: Go's
 * {@code json.Marshal} of {@code broker.Message},
 * {@code {"Header":{"k":"v",...},"Body":"<standard base64>"}}, byte for byte: header keys sorted,
 * strings escaped as Go escapes them ({@code < > &} and U+2028/U+2029 as {@code \}{@code u}
 * escapes, unpaired surrogates as U+FFFD).
 *
 * <p>Decoding takes a fast path for messages shaped like that (what Go and we write) and falls back
 * to a full JSON parser for anything else (other whitespace is fine on the fast path; unknown
 * fields, numbers, nested values go to the fallback). Field names are matched ignoring case, as Go
 * does; a null or missing body is empty, a null header map is empty. Both directions are on the hot
 * path of every event, which is why neither builds a tree or a generator.
 */
final class GoMicroJson {
  private static final JsonFactory JSON = new JsonFactory();
  private static final byte[] HEADER = "{\"Header\":{".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] BODY = "},\"Body\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] B64 =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".getBytes(StandardCharsets.US_ASCII);

  private GoMicroJson() {}

  // ------------------------------------------------------------------------------------ encode

  static byte[] encode(Map<String, String> headers, byte[] body) {
    String[] keys = headers.keySet().toArray(new String[0]);
    Arrays.sort(keys);
    int size = HEADER.length + BODY.length + 2 + 4 * ((body.length + 2) / 3);
    for (String k : keys) {
      size += maxEscaped(k) + maxEscaped(headers.get(k)) + 6;
    }
    byte[] out = new byte[size];
    System.arraycopy(HEADER, 0, out, 0, HEADER.length);
    int pos = HEADER.length;
    for (int i = 0; i < keys.length; i++) {
      if (i > 0) {
        out[pos++] = ',';
      }
      pos = writeString(out, pos, keys[i]);
      out[pos++] = ':';
      pos = writeString(out, pos, headers.get(keys[i]));
    }
    System.arraycopy(BODY, 0, out, pos, BODY.length);
    pos += BODY.length;
    pos = base64(body, out, pos);
    out[pos++] = '"';
    out[pos++] = '}';
    return pos == out.length ? out : Arrays.copyOf(out, pos);
  }

  /** Standard base64 with padding (Go's {@code base64.StdEncoding}) of {@code in}, at {@code pos}. */
  private static int base64(byte[] in, byte[] out, int pos) {
    int n = in.length - in.length % 3;
    for (int i = 0; i < n; i += 3) {
      int v = (in[i] & 0xFF) << 16 | (in[i + 1] & 0xFF) << 8 | (in[i + 2] & 0xFF);
      out[pos++] = B64[v >>> 18];
      out[pos++] = B64[(v >>> 12) & 0x3F];
      out[pos++] = B64[(v >>> 6) & 0x3F];
      out[pos++] = B64[v & 0x3F];
    }
    int left = in.length - n;
    if (left > 0) {
      int v = (in[n] & 0xFF) << 16 | (left == 2 ? (in[n + 1] & 0xFF) << 8 : 0);
      out[pos++] = B64[v >>> 18];
      out[pos++] = B64[(v >>> 12) & 0x3F];
      out[pos++] = left == 2 ? B64[(v >>> 6) & 0x3F] : (byte) '=';
      out[pos++] = '=';
    }
    return pos;
  }

  /** Upper bound of the escaped UTF-8 length of {@code s}, quotes included. */
  private static int maxEscaped(String s) {
    return 6 * s.length() + 2;
  }

  private static int writeString(byte[] out, int pos, String s) {
    out[pos++] = '"';
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        if (c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&') {
          out[pos++] = (byte) c;
        } else if (c == '"' || c == '\\') {
          out[pos++] = '\\';
          out[pos++] = (byte) c;
        } else if (c == '\n') {
          out[pos++] = '\\';
          out[pos++] = 'n';
        } else if (c == '\r') {
          out[pos++] = '\\';
          out[pos++] = 'r';
        } else if (c == '\t') {
          out[pos++] = '\\';
          out[pos++] = 't';
        } else {
          pos = unicodeEscape(out, pos, c);
        }
      } else if (c < 0x800) {
        out[pos++] = (byte) (0xC0 | (c >> 6));
        out[pos++] = (byte) (0x80 | (c & 0x3F));
      } else if (c == '\u2028' || c == '\u2029') {
        pos = unicodeEscape(out, pos, c);
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        out[pos++] = (byte) (0xF0 | (cp >> 18));
        out[pos++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        out[pos++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        out[pos++] = (byte) (0x80 | (cp & 0x3F));
      } else {
        char ch = Character.isSurrogate(c) ? '\uFFFD' : c;
        out[pos++] = (byte) (0xE0 | (ch >> 12));
        out[pos++] = (byte) (0x80 | ((ch >> 6) & 0x3F));
        out[pos++] = (byte) (0x80 | (ch & 0x3F));
      }
    }
    out[pos++] = '"';
    return pos;
  }

  private static int unicodeEscape(byte[] out, int pos, char c) {
    out[pos++] = '\\';
    out[pos++] = 'u';
    out[pos++] = HEX[(c >> 12) & 0xF];
    out[pos++] = HEX[(c >> 8) & 0xF];
    out[pos++] = HEX[(c >> 4) & 0xF];
    out[pos++] = HEX[c & 0xF];
    return pos;
  }

  // ------------------------------------------------------------------------------------ decode

  /** The headers and body; throws {@link IllegalArgumentException} saying what is wrong. */
  static Decoded decode(byte[] json) {
    Decoded fast = new FastReader(json).read();
    return fast != null ? fast : decodeFully(json);
  }

  /** Any JSON object: unknown fields skipped, whatever their value. */
  static Decoded decodeFully(byte[] json) {
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

  /**
   * Reads {@code {"Header":{"k":"v",...}|null,"Body":"base64"|null}} with the fields in any order
   * and any case, strings with any escapes; returns null (use the full parser) on anything else.
   */
  private static final class FastReader {
    private final byte[] in;
    private int pos;

    FastReader(byte[] in) {
      this.in = in;
    }

    Decoded read() {
      Map<String, String> headers = new LinkedHashMap<>();
      byte[] body = new byte[0];
      if (!skipTo('{')) {
        return null;
      }
      if (peek() == '}') {
        pos++;
        return rest() ? new Decoded(headers, body) : null;
      }
      while (true) {
        String field = string();
        if (field == null || !skipTo(':')) {
          return null;
        }
        skipSpace();
        if (field.equalsIgnoreCase("Header")) {
          if (!nullLiteral()) {
            if (!skipTo('{')) {
              return null;
            }
            if (peek() == '}') {
              pos++;
            } else {
              while (true) {
                String k = string();
                if (k == null || !skipTo(':')) {
                  return null;
                }
                skipSpace();
                if (!nullLiteral()) {
                  String v = string();
                  if (v == null) {
                    return null;
                  }
                  headers.put(k, v);
                }
                int c = next();
                if (c == '}') {
                  break;
                }
                if (c != ',') {
                  return null;
                }
              }
            }
          }
        } else if (field.equalsIgnoreCase("Body")) {
          if (!nullLiteral()) {
            if (peek() != '"') {
              return null;
            }
            int start = pos + 1;
            int end = start;
            while (end < in.length && in[end] != '"' && in[end] != '\\') {
              end++;
            }
            if (end >= in.length || in[end] != '"') {
              return null;
            }
            body = base64(start, end);
            pos = end + 1;
          }
        } else {
          return null; // unknown field: let the full parser skip its value
        }
        int c = next();
        if (c == '}') {
          return rest() ? new Decoded(headers, body) : null;
        }
        if (c != ',') {
          return null;
        }
      }
    }

    private byte[] base64(int start, int end) {
      ByteBuffer b = Base64.getDecoder().decode(ByteBuffer.wrap(in, start, end - start));
      byte[] a = b.array();
      return b.arrayOffset() == 0 && b.position() == 0 && b.remaining() == a.length
          ? a : Arrays.copyOfRange(a, b.arrayOffset() + b.position(), b.arrayOffset() + b.limit());
    }

    private boolean rest() {
      skipSpace();
      return pos == in.length;
    }

    private int peek() {
      skipSpace();
      return pos < in.length ? in[pos] : -1;
    }

    private int next() {
      skipSpace();
      return pos < in.length ? in[pos++] : -1;
    }

    private boolean skipTo(char c) {
      return next() == c;
    }

    private void skipSpace() {
      while (pos < in.length && (in[pos] == ' ' || in[pos] == '\n' || in[pos] == '\r' || in[pos] == '\t')) {
        pos++;
      }
    }

    private boolean nullLiteral() {
      if (pos + 4 <= in.length && in[pos] == 'n' && in[pos + 1] == 'u' && in[pos + 2] == 'l' && in[pos + 3] == 'l') {
        pos += 4;
        return true;
      }
      return false;
    }

    /** A JSON string at the current position (after whitespace), or null when there is none. */
    private String string() {
      if (peek() != '"') {
        return null;
      }
      int start = ++pos;
      while (pos < in.length && in[pos] != '"' && in[pos] != '\\' && (in[pos] < 0 || in[pos] >= 0x20)) {
        pos++;
      }
      if (pos < in.length && in[pos] == '"') {
        return new String(in, start, pos++ - start, StandardCharsets.UTF_8);
      }
      if (pos >= in.length || in[pos] != '\\') {
        return null; // unterminated or a raw control character: invalid, the full parser says so
      }
      StringBuilder sb = new StringBuilder(new String(in, start, pos - start, StandardCharsets.UTF_8));
      int run = pos;
      while (pos < in.length) {
        byte b = in[pos];
        if (b == '"') {
          sb.append(new String(in, run, pos - run, StandardCharsets.UTF_8));
          pos++;
          return sb.toString();
        }
        if (b < 0x20 && b >= 0) {
          return null;
        }
        if (b != '\\') {
          pos++;
          continue;
        }
        sb.append(new String(in, run, pos - run, StandardCharsets.UTF_8));
        if (pos + 1 >= in.length) {
          return null;
        }
        byte e = in[pos + 1];
        pos += 2;
        switch (e) {
          case '"' -> sb.append('"');
          case '\\' -> sb.append('\\');
          case '/' -> sb.append('/');
          case 'b' -> sb.append('\b');
          case 'f' -> sb.append('\f');
          case 'n' -> sb.append('\n');
          case 'r' -> sb.append('\r');
          case 't' -> sb.append('\t');
          case 'u' -> {
            if (pos + 4 > in.length) {
              return null;
            }
            int cp = 0;
            for (int i = 0; i < 4; i++) {
              int d = Character.digit(in[pos + i], 16);
              if (d < 0) {
                return null;
              }
              cp = cp * 16 + d;
            }
            sb.append((char) cp);
            pos += 4;
          }
          default -> {
            return null;
          }
        }
        run = pos;
      }
      return null;
    }
  }
}
