package io.micro.grpc;

import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The gRPC-over-HTTP/2 conventions the server and the client share: {@code grpc-timeout},
 * {@code :path} ↔ endpoint, content types ↔ micro codecs, and which headers are metadata.
 */
public final class GrpcWire {
  /** The default and largest message size either side accepts unless configured: 4 MiB. */
  public static final int DEFAULT_MAX_MESSAGE_SIZE = 4 * 1024 * 1024;

  /**
   * Headers of the gRPC protocol itself, never passed on as metadata (lower case, as HTTP/2 sends
   * them).
   */
  public static final Set<String> RESERVED = Set.of("content-type", "te", "grpc-timeout",
      "grpc-encoding", "grpc-accept-encoding", "grpc-status", "grpc-message",
      "grpc-status-details-bin", "content-length", "connection", "host", "keep-alive",
      "transfer-encoding", "upgrade", "http2-settings");

  private GrpcWire() {}

  /**
   * The nanoseconds of a {@code grpc-timeout} value ({@code 1..8} digits and a unit
   * {@code H M S m u n}), or -1 when it is not one.
   */
  public static long parseTimeout(@Nullable String value) {
    if (value == null || value.length() < 2 || value.length() > 9) {
      return -1;
    }
    long amount = 0;
    for (int i = 0; i < value.length() - 1; i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      amount = amount * 10 + (c - '0');
    }
    long unit = switch (value.charAt(value.length() - 1)) {
      case 'H' -> 3_600_000_000_000L;
      case 'M' -> 60_000_000_000L;
      case 'S' -> 1_000_000_000L;
      case 'm' -> 1_000_000L;
      case 'u' -> 1_000L;
      case 'n' -> 1L;
      default -> -1L;
    };
    if (unit < 0) {
      return -1;
    }
    return amount > Long.MAX_VALUE / unit ? Long.MAX_VALUE : amount * unit;
  }

  /** The {@code grpc-timeout} value for {@code nanos} (at most 8 digits, the finest unit that fits). */
  public static String formatTimeout(long nanos) {
    long n = Math.max(1, nanos);
    long[] units = {1L, 1_000L, 1_000_000L, 1_000_000_000L, 60_000_000_000L, 3_600_000_000_000L};
    char[] names = {'n', 'u', 'm', 'S', 'M', 'H'};
    for (int i = 0; i < units.length; i++) {
      long amount = n / units[i] + (n % units[i] == 0 ? 0 : 1); // round up: never shorter than asked
      if (amount < 100_000_000L) {
        return amount + String.valueOf(names[i]);
      }
    }
    return "99999999H";
  }

  /**
   * The micro endpoint of a gRPC {@code :path}: {@code /pkg.Service/Method} gives
   * {@code Service.Method} (only the last dot-segment of the service, as go-micro's gRPC server
   * resolves it), or null when the path is not {@code /service/method}.
   */
  public static @Nullable String endpoint(String path) {
    if (path.length() < 4 || path.charAt(0) != '/') {
      return null;
    }
    int slash = path.indexOf('/', 1);
    if (slash < 2 || slash == path.length() - 1 || path.indexOf('/', slash + 1) >= 0) {
      return null;
    }
    String service = path.substring(1, slash);
    int dot = service.lastIndexOf('.');
    String last = service.substring(dot + 1);
    String method = path.substring(slash + 1);
    if (last.isEmpty() || method.indexOf('.') >= 0) {
      return null;
    }
    return last + "." + method;
  }

  /** The gRPC service of a {@code :path} ({@code pkg.Service}); call only when {@link #endpoint} is not null. */
  public static String service(String path) {
    return path.substring(1, path.indexOf('/', 1));
  }

  /**
   * The {@code :path} of micro endpoint {@code Service.Method} on service {@code name}:
   * {@code /name.Service/Method} as go-micro's gRPC client builds it; an endpoint that already starts
   * with {@code /} is used as is.
   */
  public static String path(String name, String endpoint) {
    if (endpoint.startsWith("/")) {
      return endpoint;
    }
    int dot = endpoint.lastIndexOf('.');
    if (dot <= 0 || dot == endpoint.length() - 1) {
      throw new IllegalArgumentException("endpoint: '" + endpoint
          + "' (expected: Service.Method or /package.Service/Method)");
    }
    String service = endpoint.substring(0, dot);
    String method = endpoint.substring(dot + 1);
    return "/" + (service.indexOf('.') >= 0 || name.isEmpty() ? service : name + "." + service) + "/" + method;
  }

  /**
   * The micro codec content type of a gRPC content type: {@code application/grpc} and
   * {@code application/grpc+proto} give {@code application/protobuf}, {@code application/grpc+json}
   * gives {@code application/json}; null for anything else.
   */
  public static @Nullable String codecContentType(@Nullable String grpcContentType) {
    if (grpcContentType == null) {
      return null;
    }
    String ct = grpcContentType.strip().toLowerCase(Locale.ROOT);
    int semi = ct.indexOf(';');
    if (semi >= 0) {
      ct = ct.substring(0, semi).strip();
    }
    return switch (ct) {
      case "application/grpc", "application/grpc+proto" -> "application/protobuf";
      case "application/grpc+json" -> "application/json";
      default -> null;
    };
  }

  /**
   * The gRPC content type for a micro codec content type: JSON travels as
   * {@code application/grpc+json}, everything else as {@code application/grpc}... with
   * {@code +proto} spelled out when asked for.
   */
  public static String grpcContentType(String codecContentType) {
    String ct = codecContentType.strip().toLowerCase(Locale.ROOT);
    if (ct.startsWith("application/grpc")) {
      return ct;
    }
    return ct.contains("json") ? "application/grpc+json" : "application/grpc";
  }
}
