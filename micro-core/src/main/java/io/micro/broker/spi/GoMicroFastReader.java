package io.micro.broker.spi;

import io.micro.broker.Event;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads the broker message in exactly the shape Go's encoder writes it — {@code {"Header":{"k":"v",
 * ...},"Body":"<padded base64>"}}, no whitespace, escapes allowed in strings — straight from the
 * bytes, without a general JSON parser. Anything else (whitespace, other or reordered fields,
 * nulls, bad base64, malformed text) gives null and the caller takes the general path, which also
 * produces the error message. Stateless.
 */
final class GoMicroFastReader {
  private static final byte[] HEADER = "{\"Header\":{".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] BODY = ",\"Body\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final int[] DECODE = new int[256];

  static {
    Arrays.fill(DECODE, -1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < alphabet.length(); i++) {
      DECODE[alphabet.charAt(i)] = i;
    }
  }

  private final byte[] in;
  private int pos;

  private GoMicroFastReader(byte[] in) {
    this.in = in;
  }

  /** The event, or null when {@code json} is not in Go's exact shape. */
  static @Nullable Event read(byte[] json) {
    try {
      return new GoMicroFastReader(json).message();
    } catch (IndexOutOfBoundsException | IllegalArgumentException notTheUsualShape) {
      return null;
    }
  }

  private @Nullable Event message() {
    if (!literal(HEADER)) {
      return null;
    }
    Map<String, String> headers = new LinkedHashMap<>();
    if (in[pos] == '}') {
      pos++;
    } else {
      while (true) {
        String key = string();
        if (key == null || in[pos++] != ':') {
          return null;
        }
        String value = string();
        if (value == null) {
          return null;
        }
        headers.put(key, value);
        byte b = in[pos++];
        if (b == '}') {
          break;
        }
        if (b != ',') {
          return null;
        }
      }
    }
    if (!literal(BODY)) {
      return null;
    }
    int start = pos;
    int end = start;
    while (in[end] != '"') {
      end++;
    }
    byte[] body = base64(start, end);
    pos = end + 1;
    if (body == null || pos + 1 != in.length || in[pos] != '}') {
      return null;
    }
    return new Event(headers, body);
  }

  private boolean literal(byte[] expected) {
    if (pos + expected.length > in.length) {
      return false;
    }
    for (int i = 0; i < expected.length; i++) {
      if (in[pos + i] != expected[i]) {
        return false;
      }
    }
    pos += expected.length;
    return true;
  }

  /** A JSON string at pos; null when there is none. */
  private @Nullable String string() {
    if (in[pos] != '"') {
      return null;
    }
    int start = ++pos;
    while (true) {
      byte b = in[pos];
      if (b == '"') {
        return new String(in, start, pos++ - start, StandardCharsets.UTF_8);
      }
      if (b == '\\') {
        return escaped(start);
      }
      if ((b & 0xff) < 0x20) {
        return null;
      }
      pos++;
    }
  }

  /** The rest of a string that has escapes, from its start. */
  private @Nullable String escaped(int start) {
    StringBuilder sb = new StringBuilder(new String(in, start, pos - start, StandardCharsets.UTF_8));
    int run = pos;
    while (true) {
      byte b = in[pos];
      if (b == '"' || b == '\\') {
        sb.append(new String(in, run, pos - run, StandardCharsets.UTF_8));
        if (b == '"') {
          pos++;
          return sb.toString();
        }
        char e = (char) in[pos + 1];
        pos += 2;
        switch (e) {
          case '"', '\\', '/' -> sb.append(e);
          case 'b' -> sb.append('\b');
          case 'f' -> sb.append('\f');
          case 'n' -> sb.append('\n');
          case 'r' -> sb.append('\r');
          case 't' -> sb.append('\t');
          case 'u' -> {
            int cp = 0;
            for (int i = 0; i < 4; i++) {
              int d = Character.digit(in[pos + i], 16);
              if (d < 0) {
                return null;
              }
              cp = cp << 4 | d;
            }
            sb.append((char) cp);
            pos += 4;
          }
          default -> {
            return null;
          }
        }
        run = pos;
      } else if ((b & 0xff) < 0x20) {
        return null;
      } else {
        pos++;
      }
    }
  }

  /** Padded standard base64 between start and end; null when it is not exactly that. */
  private byte @Nullable [] base64(int start, int end) {
    int n = end - start;
    if (n % 4 != 0) {
      return null;
    }
    if (n == 0) {
      return new byte[0];
    }
    int pad = in[end - 1] == '=' ? (in[end - 2] == '=' ? 2 : 1) : 0;
    byte[] out = new byte[n / 4 * 3 - pad];
    int o = 0;
    int full = pad == 0 ? end : end - 4;
    for (int i = start; i < full; i += 4) {
      int v = DECODE[in[i] & 0xff] << 18 | DECODE[in[i + 1] & 0xff] << 12
          | DECODE[in[i + 2] & 0xff] << 6 | DECODE[in[i + 3] & 0xff];
      if (v < 0) {
        return null;
      }
      out[o++] = (byte) (v >> 16);
      out[o++] = (byte) (v >> 8);
      out[o++] = (byte) v;
    }
    if (pad > 0) {
      int a = DECODE[in[full] & 0xff];
      int b = DECODE[in[full + 1] & 0xff];
      int c = pad == 1 ? DECODE[in[full + 2] & 0xff] : 0;
      if (a < 0 || b < 0 || c < 0) {
        return null;
      }
      int v = a << 18 | b << 12 | c << 6;
      out[o++] = (byte) (v >> 16);
      if (pad == 1) {
        out[o] = (byte) (v >> 8);
      }
    }
    return out;
  }
}
