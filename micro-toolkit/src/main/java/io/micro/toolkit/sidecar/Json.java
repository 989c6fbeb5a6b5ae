package io.micro.toolkit.sidecar;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.micro.errors.MicroException;
import java.io.IOException;

/** The sidecar's JSON reading and writing: bounded input, errors that say where. */
final class Json {
  /** Input bounds: nesting depth 64, strings of at most 4 MiB. */
  static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder()
              .maxNestingDepth(64).maxStringLength(4 << 20).build())
          .build())
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .build();

  private Json() {}

  /** Parses {@code data} as one JSON value; 400 naming {@code what} and the position when malformed. */
  static JsonNode read(byte[] data, String errorId, String what) {
    try {
      JsonNode node = MAPPER.readTree(data);
      if (node == null || node.isMissingNode()) {
        throw MicroException.badRequest(errorId, "empty %s (expected JSON)", what);
      }
      return node;
    } catch (JsonProcessingException e) {
      throw MicroException.badRequest(errorId, "malformed %s: %s", what, describe(e)).withCause(e);
    } catch (IOException e) {
      throw MicroException.badRequest(errorId, "unreadable %s: %s", what, e.getMessage()).withCause(e);
    }
  }

  /** Parses text as one JSON value. */
  static JsonNode read(String text, String errorId, String what) {
    return read(text.getBytes(java.nio.charset.StandardCharsets.UTF_8), errorId, what);
  }

  /** The value as JSON bytes; 500 when it cannot be written. */
  static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw MicroException.internalServerError(Work.ERROR_ID, "cannot write JSON: %s",
          e.getOriginalMessage()).withCause(e);
    }
  }

  /** Jackson's message without its source excerpt, with the line and column. */
  static String describe(JsonProcessingException e) {
    JsonLocation loc = e.getLocation();
    String msg = e.getOriginalMessage();
    if (loc == null || loc.getLineNr() < 0) {
      return msg;
    }
    return msg + " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
  }
}
