package io.micro.grpc;

import io.micro.errors.MicroException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * gRPC status codes and their mapping to micro error codes, as go-micro's gRPC server and client
 * map them (protocol doc B.5), plus {@code 413 → RESOURCE_EXHAUSTED} and
 * {@code 499 ↔ CANCELLED}:
 *
 * <pre>
 * 400 INVALID_ARGUMENT   401 UNAUTHENTICATED   403 PERMISSION_DENIED   404 NOT_FOUND
 * 408 DEADLINE_EXCEEDED  409 ALREADY_EXISTS    412 FAILED_PRECONDITION 413 RESOURCE_EXHAUSTED
 * 499 CANCELLED          500 INTERNAL          501 UNIMPLEMENTED       503 UNAVAILABLE
 * anything else          UNKNOWN
 * </pre>
 *
 * <p>On the wire a micro error travels as {@code grpc-status} with its JSON as {@code grpc-message}
 * (percent-encoded as gRPC requires); {@link #toMicro(int, String, String)} reads it back.
 */
public final class GrpcStatus {
  /** Success. */
  public static final int OK = 0;
  /** The call was cancelled, typically by the caller. */
  public static final int CANCELLED = 1;
  /** Unknown error. */
  public static final int UNKNOWN = 2;
  /** The client specified an invalid argument. */
  public static final int INVALID_ARGUMENT = 3;
  /** The deadline expired before the operation could complete. */
  public static final int DEADLINE_EXCEEDED = 4;
  /** Some requested entity was not found. */
  public static final int NOT_FOUND = 5;
  /** The entity a client attempted to create already exists. */
  public static final int ALREADY_EXISTS = 6;
  /** The caller may not execute the operation. */
  public static final int PERMISSION_DENIED = 7;
  /** A resource (a size, a quota) has been exhausted. */
  public static final int RESOURCE_EXHAUSTED = 8;
  /** The system is not in a state required for the operation. */
  public static final int FAILED_PRECONDITION = 9;
  /** The operation was aborted. */
  public static final int ABORTED = 10;
  /** Operation attempted past the valid range. */
  public static final int OUT_OF_RANGE = 11;
  /** The operation is not implemented or supported. */
  public static final int UNIMPLEMENTED = 12;
  /** Internal error: an invariant of the protocol was broken. */
  public static final int INTERNAL = 13;
  /** The service is currently unavailable. */
  public static final int UNAVAILABLE = 14;
  /** Unrecoverable data loss. */
  public static final int DATA_LOSS = 15;
  /** The request lacks valid authentication credentials. */
  public static final int UNAUTHENTICATED = 16;

  private static final String[] NAMES = {"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT",
      "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED",
      "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE",
      "DATA_LOSS", "UNAUTHENTICATED"};

  private GrpcStatus() {}

  /** The gRPC status of a micro error code (table above). */
  public static int fromMicro(int code) {
    return switch (code) {
      case 400 -> INVALID_ARGUMENT;
      case 401 -> UNAUTHENTICATED;
      case 403 -> PERMISSION_DENIED;
      case 404 -> NOT_FOUND;
      case 408 -> DEADLINE_EXCEEDED;
      case 409 -> ALREADY_EXISTS;
      case 412 -> FAILED_PRECONDITION;
      case 413 -> RESOURCE_EXHAUSTED;
      case 499 -> CANCELLED;
      case 500 -> INTERNAL;
      case 501 -> UNIMPLEMENTED;
      case 503 -> UNAVAILABLE;
      default -> UNKNOWN;
    };
  }

  /** The status a {@code grpc-status} value names; UNKNOWN when it is absent or not a number. */
  public static int parse(@Nullable CharSequence grpcStatus) {
    if (grpcStatus == null) {
      return UNKNOWN;
    }
    try {
      return Integer.parseInt(grpcStatus.toString());
    } catch (NumberFormatException e) {
      return UNKNOWN;
    }
  }

  /** The micro error code of a gRPC status (the table read backwards; anything else is 500). */
  public static int microCode(int status) {
    return switch (status) {
      case INVALID_ARGUMENT, OUT_OF_RANGE -> 400;
      case UNAUTHENTICATED -> 401;
      case PERMISSION_DENIED -> 403;
      case NOT_FOUND -> 404;
      case DEADLINE_EXCEEDED -> 408;
      case ALREADY_EXISTS, ABORTED -> 409;
      case FAILED_PRECONDITION -> 412;
      case RESOURCE_EXHAUSTED -> 413;
      case CANCELLED -> 499;
      case UNIMPLEMENTED -> 501;
      case UNAVAILABLE -> 503;
      default -> 500;
    };
  }

  /** The canonical name of a status, e.g. {@code NOT_FOUND}, or {@code CODE_<n>} when unknown. */
  public static String name(int status) {
    return status >= 0 && status < NAMES.length ? NAMES[status] : "CODE_" + status;
  }

  /**
   * The micro error a non-OK status stands for: the micro error JSON when {@code message} carries
   * one (a micro server sent it), else an error with {@code id}, the mapped code and the message.
   */
  public static MicroException toMicro(int status, String message, String id) {
    if (message.startsWith("{")) {
      MicroException parsed = MicroException.parse(message);
      if (parsed.code() != 0) {
        return parsed;
      }
    }
    String detail = message.isEmpty() ? "grpc status " + name(status) : message;
    return MicroException.of(id, microCode(status), detail, MicroException.statusText(microCode(status)));
  }

  /** {@code grpc-message} encoding: UTF-8, bytes outside {@code 0x20..0x7E} and {@code %} percent-encoded. */
  public static String encodeMessage(String message) {
    byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = null;
    for (int i = 0; i < bytes.length; i++) {
      int b = bytes[i] & 0xff;
      boolean plain = b >= 0x20 && b <= 0x7e && b != '%';
      if (plain && out == null) {
        continue;
      }
      if (out == null) {
        out = new StringBuilder(bytes.length + 16);
        out.append(message, 0, i); // all ASCII so far: char index == byte index
      }
      if (plain) {
        out.append((char) b);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
      }
    }
    return out == null ? message : out.toString();
  }

  /** Reverses {@link #encodeMessage}; malformed escapes are kept as they are. */
  public static String decodeMessage(String encoded) {
    if (encoded.indexOf('%') < 0) {
      return encoded;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(encoded.length());
    for (int i = 0; i < encoded.length(); i++) {
      char c = encoded.charAt(i);
      if (c == '%' && i + 2 < encoded.length()
          && Character.digit(encoded.charAt(i + 1), 16) >= 0 && Character.digit(encoded.charAt(i + 2), 16) >= 0) {
        out.write(Character.digit(encoded.charAt(i + 1), 16) << 4 | Character.digit(encoded.charAt(i + 2), 16));
        i += 2;
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
