package io.micro.toolkit.sidecar;

import io.micro.errors.MicroException;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP answer of the sidecar: status, content type and body. Errors are go-micro's error JSON
 * with the HTTP status equal to the error's code.
 */
record Reply(int status, String contentType, byte[] body) {
  static final String JSON = "application/json";
  private static final byte[] EMPTY = new byte[0];

  /** 200 with a JSON body. */
  static Reply json(byte[] body) {
    return new Reply(200, JSON, body);
  }

  /** 200 without a body. */
  static Reply ok() {
    return new Reply(200, "", EMPTY);
  }

  /** The error as its JSON; a code outside 400..599 (0 from a foreign peer) answers 500. */
  static Reply error(MicroException e) {
    int status = e.code() >= 400 && e.code() <= 599 ? e.code() : 500;
    return new Reply(status, JSON, e.toJson().getBytes(StandardCharsets.UTF_8));
  }
}
