package io.micro.toolkit.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** JSON for the CLI: checked input that points at the error, and output indented as Go does. */
final class Json {
  static final ObjectMapper MAPPER = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .configure(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, true);
  private static final JsonFactory FACTORY = MAPPER.getFactory();

  private Json() {}

  /**
   * {@code text} checked to be one JSON value and returned as UTF-8 bytes.
   *
   * @throws BadInput naming {@code what}, the line and column, with the line and a caret
   */
  static byte[] check(String what, String text) {
    read(what, text);
    return text.strip().getBytes(StandardCharsets.UTF_8);
  }

  /** {@code text} read as a tree; errors as in {@link #check}. */
  static JsonNode read(String what, String text) {
    if (text.isBlank()) {
      throw new BadInput(what + ": empty (expected: JSON, e.g. '{\"name\": \"John\"}')");
    }
    try (JsonParser p = FACTORY.createParser(text)) {
      JsonNode node = MAPPER.readTree(p);
      JsonToken extra = p.nextToken();
      if (extra != null) {
        throw new BadInput(pointAt(what, "unexpected " + p.getText() + " after the JSON value",
            text, p.currentTokenLocation()));
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new BadInput(pointAt(what, e.getOriginalMessage(), text, e.getLocation()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String pointAt(String what, String message, String text,
      @org.jspecify.annotations.Nullable JsonLocation at) {
    StringBuilder sb = new StringBuilder(what).append(": invalid JSON");
    if (at == null || at.getLineNr() < 1) {
      return sb.append(": ").append(firstLine(message)).toString();
    }
    int line = at.getLineNr();
    int column = Math.max(1, at.getColumnNr());
    sb.append(" at line ").append(line).append(", column ").append(column).append(": ")
        .append(firstLine(message));
    String[] lines = text.split("\n", -1);
    if (line <= lines.length) {
      String l = lines[line - 1];
      sb.append('\n').append("  ").append(l).append('\n').append("  ");
      for (int i = 0; i < column - 1 && i < l.length(); i++) {
        sb.append(l.charAt(i) == '\t' ? '\t' : ' ');
      }
      sb.append('^');
    }
    return sb.toString();
  }

  private static String firstLine(@org.jspecify.annotations.Nullable String m) {
    if (m == null) {
      return "malformed";
    }
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  /** A JSON value written compactly. */
  static String compact(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** JSON text on one line; text that is not JSON as it is. */
  static String compactOrRaw(String text) {
    try {
      return compact(MAPPER.readTree(text));
    } catch (JsonProcessingException e) {
      return text;
    }
  }

  /**
   * {@code json} indented with tabs as Go's {@code json.MarshalIndent(v, "", "\t")} does: keys in
   * their order, numbers as written, {@code "key": value}, empty containers as {@code {}} and
   * {@code []}. Text that is not JSON is returned as it is.
   */
  static String indent(byte[] json) {
    StringBuilder out = new StringBuilder();
    try (JsonParser p = FACTORY.createParser(json)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        return "";
      }
      value(p, t, out, 0);
      return out.toString();
    } catch (IOException e) {
      return new String(json, StandardCharsets.UTF_8).strip();
    }
  }

  private static void value(JsonParser p, JsonToken t, StringBuilder out, int depth)
      throws IOException {
    switch (t) {
      case START_OBJECT, START_ARRAY -> {
        boolean object = t == JsonToken.START_OBJECT;
        JsonToken end = object ? JsonToken.END_OBJECT : JsonToken.END_ARRAY;
        out.append(object ? '{' : '[');
        JsonToken next = p.nextToken();
        boolean first = true;
        while (next != end) {
          out.append(first ? "\n" : ",\n");
          first = false;
          tabs(out, depth + 1);
          if (object) {
            out.append(quote(p.currentName())).append(": ");
            next = p.nextToken();
          }
          value(p, next, out, depth + 1);
          next = p.nextToken();
        }
        if (!first) {
          out.append('\n');
          tabs(out, depth);
        }
        out.append(object ? '}' : ']');
      }
      case VALUE_STRING -> out.append(quote(p.getText()));
      default -> out.append(p.getText());
    }
  }

  private static String quote(String s) {
    return compact(s);
  }

  private static void tabs(StringBuilder out, int n) {
    out.append("\t".repeat(n));
  }

  /** Bad input from the user: printed as it is, without a stack trace. */
  static final class BadInput extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    BadInput(String message) {
      super(message);
    }
  }
}
