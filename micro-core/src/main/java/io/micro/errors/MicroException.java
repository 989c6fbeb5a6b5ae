package io.micro.errors;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The one error of the toolkit: go-micro's {@code {id, code, detail, status}}. It travels the wire
 * unchanged, as JSON in the {@code Micro-Error} header of mucp or in a legacy envelope, with empty
 * fields omitted exactly as go-micro writes them.
 *
 * <pre>{@code
 * throw MicroException.notFound("go.micro.srv.greeter", "no such user: %s", name);
 * }</pre>
 */
public final class MicroException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String id;
  private final int code;
  private final String detail;
  private final String status;

  private MicroException(String id, int code, String detail, String status, @Nullable Throwable cause) {
    super(detail, cause, false, cause != null);
    this.id = Objects.requireNonNullElse(id, "");
    this.code = code;
    this.detail = Objects.requireNonNullElse(detail, "");
    this.status = Objects.requireNonNullElse(status, "");
  }

  /** An error with every field given. */
  public static MicroException of(String id, int code, String detail, String status) {
    return new MicroException(id, code, detail, status, null);
  }

  /** An error with the standard status text of {@code code} (e.g. {@code "Not Found"}). */
  public static MicroException of(String id, int code, String detail) {
    return new MicroException(id, code, detail, statusText(code), null);
  }

  /** A copy of this error that records {@code cause} (not sent over the wire). */
  public MicroException withCause(Throwable cause) {
    return new MicroException(id, code, detail, status, cause);
  }

  /** 400 Bad Request. */
  public static MicroException badRequest(String id, String format, Object... args) {
    return of(id, 400, format(format, args));
  }

  /** 401 Unauthorized. */
  public static MicroException unauthorized(String id, String format, Object... args) {
    return of(id, 401, format(format, args));
  }

  /** 403 Forbidden. */
  public static MicroException forbidden(String id, String format, Object... args) {
    return of(id, 403, format(format, args));
  }

  /** 404 Not Found. */
  public static MicroException notFound(String id, String format, Object... args) {
    return of(id, 404, format(format, args));
  }

  /** 405 Method Not Allowed. */
  public static MicroException methodNotAllowed(String id, String format, Object... args) {
    return of(id, 405, format(format, args));
  }

  /** 408 Request Timeout. */
  public static MicroException timeout(String id, String format, Object... args) {
    return of(id, 408, format(format, args));
  }

  /** 409 Conflict. */
  public static MicroException conflict(String id, String format, Object... args) {
    return of(id, 409, format(format, args));
  }

  /** 413 Request Entity Too Large. */
  public static MicroException tooLarge(String id, String format, Object... args) {
    return of(id, 413, format(format, args));
  }

  /** 500 Internal Server Error. */
  public static MicroException internalServerError(String id, String format, Object... args) {
    return of(id, 500, format(format, args));
  }

  /**
   * Reads an error from its wire form. Text that is not go-micro's error JSON (a plain Go error, say
   * {@code rpc: can't find method X}) becomes an error with code 0 whose detail is the text, as
   * go-micro's {@code errors.Parse} does.
   */
  public static MicroException parse(String text) {
    String trimmed = text == null ? "" : text.strip();
    if (trimmed.startsWith("{")) {
      try {
        Wire w = JSON.readValue(trimmed, Wire.class);
        if (w.code != 0 || w.id != null || w.detail != null || w.status != null) {
          return new MicroException(w.id, w.code, w.detail, w.status, null);
        }
      } catch (JsonProcessingException ignored) {
        // not error JSON: falls through to plain text
      }
    }
    return new MicroException("", 0, trimmed, "", null);
  }

  /**
   * Converts any throwable to a micro error: a {@code MicroException} is returned as is, anything
   * else becomes a 500 with {@code id} and the throwable's message.
   */
  public static MicroException from(String id, Throwable t) {
    if (t instanceof MicroException me) {
      return me;
    }
    String message = t.getMessage() == null ? t.getClass().getName() : t.getMessage();
    return internalServerError(id, "%s", message).withCause(t);
  }

  /** The JSON form, with empty fields omitted: {@code {"id":"x","code":404,"detail":"y","status":"Not Found"}}. */
  public String toJson() {
    try {
      return JSON.writeValueAsString(new Wire(emptyToNull(id), code, emptyToNull(detail), emptyToNull(status)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write error JSON", e);
    }
  }

  /** The service or component that raised the error; may be empty. */
  public String id() {
    return id;
  }

  /** The HTTP-like status code; 0 for plain errors from foreign peers. */
  public int code() {
    return code;
  }

  /** What went wrong, for people. */
  public String detail() {
    return detail;
  }

  /** The status text, e.g. {@code Not Found}. */
  public String status() {
    return status;
  }

  /** The JSON form, so that logs and foreign clients see what go-micro would print. */
  @Override
  public String getMessage() {
    return toJson();
  }

  @Override
  public String toString() {
    return "MicroException" + toJson();
  }

  /** The standard status text of an HTTP-like code; empty for unknown codes. */
  public static String statusText(int code) {
    return switch (code) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 408 -> "Request Timeout";
      case 409 -> "Conflict";
      case 412 -> "Precondition Failed";
      case 413 -> "Request Entity Too Large";
      case 429 -> "Too Many Requests";
      case 500 -> "Internal Server Error";
      case 501 -> "Not Implemented";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      default -> "";
    };
  }

  private static String format(String format, Object... args) {
    return args.length == 0 ? format : String.format(format, args);
  }

  private static @Nullable String emptyToNull(String s) {
    return s.isEmpty() ? null : s;
  }

  /** The JSON shape: field order and omission as go-micro's generated struct. */
  @JsonPropertyOrder({"id", "code", "detail", "status"})
  @JsonInclude(JsonInclude.Include.NON_DEFAULT)
  private static final class Wire {
    @JsonProperty public @Nullable String id;
    @JsonProperty public int code;
    @JsonProperty public @Nullable String detail;
    @JsonProperty public @Nullable String status;

    Wire() {}

    Wire(@Nullable String id, int code, @Nullable String detail, @Nullable String status) {
      this.id = id;
      this.code = code;
      this.detail = detail;
      this.status = status;
    }
  }
}
