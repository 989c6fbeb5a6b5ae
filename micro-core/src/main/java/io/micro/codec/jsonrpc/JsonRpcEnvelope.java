package io.micro.codec.jsonrpc;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.micro.codec.Codec;
import io.micro.codec.Envelope;
import io.micro.codec.json.JsonCodec;
import io.micro.errors.MicroException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The JSON-RPC 1.0 envelope of go-micro's legacy protocol.
 *
 * <ul>
 *   <li>Request: {@code {"method":"Say.Hello","params":[<body>],"id":<id>}}; {@code params} is an
 *       array of one element (an object is tolerated on input).
 *   <li>Response: {@code {"id":<id>,"result":<body>,"error":null}}, or on error
 *       {@code {"id":<id>,"result":null,"error":"<error text>"}}.
 *   <li>{@link Frame#id()} is the raw JSON text of the id ({@code 0} or {@code "abc"}), echoed
 *       verbatim so the response id has the type the caller sent. Every envelope written ends with
 *       {@code "\n"}.
 *   <li>Bodies are JSON written by the {@linkplain #bodyCodec() body codec}; their trailing newline
 *       is dropped inside the envelope. Bodies read are the raw bytes of the JSON value.
 * </ul>
 *
 * <p>Malformed envelopes throw a 400 {@link MicroException}. Stateless and safe for concurrent use.
 */
public final class JsonRpcEnvelope implements Envelope {
  /** {@code application/json-rpc}. */
  public static final String CONTENT_TYPE = "application/json-rpc";

  private static final String ERROR_ID = "go.micro.codec";
  private static final byte[] NULL = {'n', 'u', 'l', 'l'};
  private static final byte[] METHOD = ascii("{\"method\":");
  private static final byte[] PARAMS = ascii(",\"params\":[");
  private static final byte[] ID = ascii("],\"id\":");
  private static final byte[] RESPONSE_ID = ascii("{\"id\":");
  private static final byte[] RESULT = ascii(",\"result\":");
  private static final byte[] ERROR = ascii(",\"error\":");

  private final Codec bodyCodec;
  private final JsonFactory factory;

  private JsonRpcEnvelope(Codec bodyCodec) {
    this.bodyCodec = bodyCodec;
    this.factory = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
        .build();
  }

  /** An envelope whose bodies use a default {@link JsonCodec}. */
  public static JsonRpcEnvelope create() {
    return new JsonRpcEnvelope(JsonCodec.create());
  }

  /** An envelope whose bodies use {@code bodyCodec} (a JSON codec). */
  public static JsonRpcEnvelope create(Codec bodyCodec) {
    return new JsonRpcEnvelope(bodyCodec);
  }

  @Override
  public String contentType() {
    return CONTENT_TYPE;
  }

  @Override
  public Codec bodyCodec() {
    return bodyCodec;
  }

  /** Reads {@code method}, the raw {@code id} and the first {@code params} element; 400 when malformed. */
  @Override
  public Frame readRequest(byte[] data) {
    Parsed p = parse(data, "request");
    if (p.method.isEmpty()) {
      throw MicroException.badRequest(ERROR_ID,
          "malformed JSON-RPC request: no method (expected: \"method\":\"Handler.Method\")");
    }
    return new Frame(p.method, p.id, p.params, "");
  }

  /** Writes {@code {"method":..,"params":[body],"id":..}} and a newline. */
  @Override
  public byte[] writeRequest(Frame frame) {
    byte[] body = frame.body();
    try (ByteArrayBuilder out = new ByteArrayBuilder(48 + (body == null ? 4 : body.length))) {
      out.write(METHOD);
      quote(out, frame.method());
      out.write(PARAMS);
      writeJson(out, body);
      out.write(ID);
      out.write(rawId(frame.id()));
      out.write('}');
      out.write('\n');
      return out.toByteArray();
    }
  }

  /** Reads the raw {@code id}, the {@code result} (null when JSON null) and the error text; 400 when malformed. */
  @Override
  public Frame readResponse(byte[] data) {
    Parsed p = parse(data, "response");
    return new Frame("", p.id, p.result, p.error);
  }

  /** Writes {@code {"id":..,"result":..,"error":..}} and a newline; a non-empty error nulls the result. */
  @Override
  public byte[] writeResponse(Frame frame) {
    byte[] body = frame.error().isEmpty() ? frame.body() : null;
    try (ByteArrayBuilder out = new ByteArrayBuilder(48 + (body == null ? 4 : body.length))) {
      out.write(RESPONSE_ID);
      out.write(rawId(frame.id()));
      out.write(RESULT);
      writeJson(out, body);
      out.write(ERROR);
      if (frame.error().isEmpty()) {
        out.write(NULL);
      } else {
        quote(out, frame.error());
      }
      out.write('}');
      out.write('\n');
      return out.toByteArray();
    }
  }

  private Parsed parse(byte[] data, String what) {
    Parsed out = new Parsed();
    try (JsonParser p = factory.createParser(data)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw MicroException.badRequest(ERROR_ID,
            "malformed JSON-RPC %s: %s (expected: a JSON object)", what, preview(data));
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        switch (name) {
          case "method" -> out.method = t == JsonToken.VALUE_NULL ? "" : p.getValueAsString("");
          case "id" -> out.id = new String(raw(p, t, data), StandardCharsets.UTF_8);
          case "params" -> out.params = params(p, t, data);
          case "result" -> out.result = t == JsonToken.VALUE_NULL ? null : raw(p, t, data);
          case "error" -> out.error = t == JsonToken.VALUE_NULL ? ""
              : t == JsonToken.VALUE_STRING ? p.getText()
              : new String(raw(p, t, data), StandardCharsets.UTF_8);
          default -> p.skipChildren();
        }
      }
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
      throw MicroException.badRequest(ERROR_ID, "malformed JSON-RPC %s: %s%s",
          what, e.getOriginalMessage(), where).withCause(e);
    } catch (IOException e) {
      throw MicroException.badRequest(ERROR_ID, "unreadable JSON-RPC %s: %s", what, e.getMessage());
    }
    return out;
  }

  private static byte @Nullable [] params(JsonParser p, JsonToken t, byte[] data) throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.START_ARRAY) {
      return raw(p, t, data); // tolerated: params given as the object itself
    }
    JsonToken first = p.nextToken();
    if (first == JsonToken.END_ARRAY) {
      return null;
    }
    byte[] body = raw(p, first, data);
    while (p.nextToken() != JsonToken.END_ARRAY) {
      p.skipChildren();
    }
    return body;
  }

  /** The exact bytes of the value whose first token is current. */
  private static byte[] raw(JsonParser p, JsonToken t, byte[] data) throws IOException {
    int start = (int) p.currentTokenLocation().getByteOffset();
    if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
      p.skipChildren();
    } else {
      p.finishToken();
    }
    int end = (int) p.currentLocation().getByteOffset();
    return Arrays.copyOfRange(data, start, end);
  }

  private static void writeJson(ByteArrayBuilder out, byte @Nullable [] body) {
    if (body == null) {
      out.write(NULL);
      return;
    }
    int end = body.length;
    while (end > 0 && isSpace(body[end - 1])) {
      end--;
    }
    if (end == 0) {
      out.write(NULL);
    } else {
      out.write(body, 0, end);
    }
  }

  /** The id as raw JSON: kept when it already is a JSON scalar, quoted when it is bare text. */
  private static byte[] rawId(String id) {
    if (id.isEmpty()) {
      return NULL;
    }
    char c = id.charAt(0);
    boolean json = (c == '"' && id.length() > 1 && id.charAt(id.length() - 1) == '"')
        || c == '-' || (c >= '0' && c <= '9')
        || id.equals("null") || id.equals("true") || id.equals("false");
    if (json) {
      return id.getBytes(StandardCharsets.UTF_8);
    }
    try (ByteArrayBuilder out = new ByteArrayBuilder(id.length() + 2)) {
      quote(out, id);
      return out.toByteArray();
    }
  }

  private static void quote(ByteArrayBuilder out, String s) {
    out.write('"');
    out.write(JsonStringEncoder.getInstance().quoteAsUTF8(s));
    out.write('"');
  }

  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\n' || b == '\r' || b == '\t';
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static String preview(byte[] data) {
    String s = new String(data, 0, Math.min(data.length, 32), StandardCharsets.UTF_8);
    return data.length > 32 ? "\"" + s + "...\"" : "\"" + s + "\"";
  }

  private static final class Parsed {
    String method = "";
    String id = "null";
    byte @Nullable [] params;
    byte @Nullable [] result;
    String error = "";
  }
}
