package io.micro.toolkit.api;

/**
 * A quick check that a request body is one JSON object or array (RFC 8259) made of ASCII only,
 * nested at most {@value #MAX_DEPTH} deep, at most {@value #MAX_BYTES} bytes long: such a body is
 * accepted by the gateway's Jackson parser as well, so it passes through without building one.
 * {@code false} only means "not shown here": the caller then asks Jackson, whose verdict (and
 * error message) counts. Stateless; a loop over the bytes with a bit stack, no allocation.
 */
final class PlainJson {
  /** Deepest nesting checked here (Jackson's limit is 64: deeper bodies go to Jackson). */
  static final int MAX_DEPTH = 62;
  /** Longest body checked here. */
  static final int MAX_BYTES = 1 << 20;
  /** Longest number checked here (Jackson's limit is 1000 digits). */
  private static final int MAX_NUMBER = 100;

  private PlainJson() {}

  /** Whether {@code b} is certainly one JSON object or array with nothing but whitespace around it. */
  static boolean isObjectOrArray(byte[] b) {
    int n = b.length;
    if (n > MAX_BYTES) {
      return false;
    }
    int i = skipWs(b, 0);
    if (i >= n || (b[i] != '{' && b[i] != '[')) {
      return false;
    }
    long objects = 0; // bit d set: the container at depth d is an object
    int depth = 0;
    // i is at the start of a value
    while (true) {
      byte c = b[i];
      if (c == '{' || c == '[') {
        if (depth == MAX_DEPTH) {
          return false;
        }
        boolean object = c == '{';
        objects = object ? objects | (1L << depth) : objects & ~(1L << depth);
        depth++;
        i = skipWs(b, i + 1);
        if (i >= n) {
          return false;
        }
        if (b[i] == (object ? '}' : ']')) {
          depth--;
          i++; // empty container: a complete value
        } else {
          if (object) {
            i = member(b, i);
            if (i < 0) {
              return false;
            }
          }
          continue; // at a value
        }
      } else {
        i = scalar(b, i);
        if (i < 0) {
          return false;
        }
      }
      // after a complete value: close containers or go on to the next element
      while (true) {
        i = skipWs(b, i);
        if (depth == 0) {
          return i == n;
        }
        if (i >= n) {
          return false;
        }
        boolean object = (objects & (1L << (depth - 1))) != 0;
        c = b[i];
        if (c == ',') {
          i = skipWs(b, i + 1);
          if (i >= n) {
            return false;
          }
          if (object) {
            i = member(b, i);
            if (i < 0) {
              return false;
            }
          }
          break; // at a value
        }
        if (c != (object ? '}' : ']')) {
          return false;
        }
        depth--;
        i++;
      }
    }
  }

  /** At a member's name: the index of its value (past the name, the colon and whitespace), or -1. */
  private static int member(byte[] b, int i) {
    if (b[i] != '"') {
      return -1;
    }
    i = string(b, i);
    if (i < 0) {
      return -1;
    }
    i = skipWs(b, i);
    if (i >= b.length || b[i] != ':') {
      return -1;
    }
    i = skipWs(b, i + 1);
    return i < b.length ? i : -1;
  }

  /** At a string, number or literal: the index past it, or -1. */
  private static int scalar(byte[] b, int i) {
    byte c = b[i];
    if (c == '"') {
      return string(b, i);
    }
    if (c == 't') {
      return literal(b, i, "true");
    }
    if (c == 'f') {
      return literal(b, i, "false");
    }
    if (c == 'n') {
      return literal(b, i, "null");
    }
    return number(b, i);
  }

  private static int literal(byte[] b, int i, String word) {
    if (i + word.length() > b.length) {
      return -1;
    }
    for (int k = 0; k < word.length(); k++) {
      if (b[i + k] != word.charAt(k)) {
        return -1;
      }
    }
    return i + word.length();
  }

  /** At {@code "}: the index past the closing quote, or -1 (control or non-ASCII byte, bad escape). */
  private static int string(byte[] b, int i) {
    int n = b.length;
    for (i++; i < n; i++) {
      byte c = b[i];
      if (c == '"') {
        return i + 1;
      }
      if (c < 0x20) { // control characters, and every non-ASCII byte (negative)
        return -1;
      }
      if (c == '\\') {
        if (++i >= n) {
          return -1;
        }
        switch (b[i]) {
          case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> { }
          case 'u' -> {
            if (i + 4 >= n) {
              return -1;
            }
            for (int k = 1; k <= 4; k++) {
              if (!hex(b[i + k])) {
                return -1;
              }
            }
            i += 4;
          }
          default -> {
            return -1;
          }
        }
      }
    }
    return -1;
  }

  /** At a number: {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}; the index past it, or -1. */
  private static int number(byte[] b, int i) {
    int n = b.length;
    int start = i;
    if (i < n && b[i] == '-') {
      i++;
    }
    if (i >= n || !digit(b[i])) {
      return -1;
    }
    if (b[i] == '0') {
      i++;
    } else {
      while (i < n && digit(b[i])) {
        i++;
      }
    }
    if (i < n && b[i] == '.') {
      i++;
      if (i >= n || !digit(b[i])) {
        return -1;
      }
      while (i < n && digit(b[i])) {
        i++;
      }
    }
    if (i < n && (b[i] == 'e' || b[i] == 'E')) {
      i++;
      if (i < n && (b[i] == '+' || b[i] == '-')) {
        i++;
      }
      if (i >= n || !digit(b[i])) {
        return -1;
      }
      while (i < n && digit(b[i])) {
        i++;
      }
    }
    return i - start > MAX_NUMBER ? -1 : i;
  }

  private static int skipWs(byte[] b, int i) {
    while (i < b.length && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) {
      i++;
    }
    return i;
  }

  private static boolean digit(byte c) {
    return c >= '0' && c <= '9';
  }

  private static boolean hex(byte c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
