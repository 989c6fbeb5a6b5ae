package io.micro.toolkit.api;

import io.micro.errors.MicroException;
import io.micro.toolkit.http.HttpRequest;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Turns an HTTP request into the service (and endpoint) that serves it, as go-micro's api
 * resolvers do. A request that names no service is refused with a 404 naming the path and what
 * was looked for.
 */
@FunctionalInterface
public interface Resolver {

  /**
   * The target of {@code request}.
   *
   * @throws MicroException 404 when the request names no valid service
   */
  Target resolve(HttpRequest request);

  /**
   * Where a request goes.
   *
   * @param service the registry name, e.g. {@code go.micro.api.greeter}
   * @param endpoint {@code Handler.Method} for RPC handlers, the HTTP method for proxying ones
   */
  record Target(String service, String endpoint) {}

  /** The names {@link #named} accepts. */
  String NAMES = "micro, host, path, vpath, grpc";

  /**
   * The resolver called {@code name} ({@code --api_resolver}) for the handler type {@code handler}
   * and {@code namespace}: {@code micro} (default: micro's path translation, RPC-style for the
   * {@code rpc} and {@code api} handlers, first segment for the others), {@code host} (the Host
   * header names the service), {@code path} ({@code <ns>.<first segment>}), {@code vpath} (like
   * path, {@code /v1/foo} → {@code <ns>.v1.foo}), {@code grpc} ({@code /pkg.Service/Method} →
   * {@code pkg}, endpoint {@code Service.Method}).
   *
   * @throws IllegalArgumentException for an unknown name, listing the known ones
   */
  static Resolver named(String name, String handler, String namespace) {
    String n = name.isBlank() ? "micro" : name.strip().toLowerCase(Locale.ROOT);
    boolean rpcStyle = handler.equals("rpc") || handler.equals("api");
    return switch (n) {
      case "micro" -> rpcStyle ? micro(namespace) : proxy(namespace);
      case "host" -> host();
      case "path" -> path(namespace, false);
      case "vpath" -> path(namespace, true);
      case "grpc" -> grpc();
      default -> throw new IllegalArgumentException(
          "resolver: '" + name + "' (expected one of: " + NAMES + ")");
    };
  }

  /**
   * Micro's RPC route ({@code /foo/bar} → {@code <ns>.foo Foo.Bar}, see the documentation). The
   * targets of the first {@value #CACHED_PATHS} paths it resolved are kept, so that a path seen
   * before costs one map look-up (the route is a pure function of the path).
   */
  static Resolver micro(String namespace) {
    java.util.concurrent.ConcurrentHashMap<String, Target> seen = new java.util.concurrent.ConcurrentHashMap<>();
    return req -> {
      String path = req.path();
      Target known = seen.get(path);
      if (known != null) {
        return known;
      }
      String[] r = Routes.api(path);
      if (r == null) {
        throw notFound(req, "a path /service/method of plain words");
      }
      Target t = new Target(Routes.qualify(namespace, r[0]), r[1]);
      if (seen.size() < CACHED_PATHS) {
        seen.put(path, t);
      }
      return t;
    };
  }

  /** How many paths {@link #micro} remembers (a bound: paths come from clients). */
  int CACHED_PATHS = 1024;

  /** Micro's proxy route: {@code /foo/...} → {@code <ns>.foo}, {@code /v1/foo/...} → {@code <ns>.v1.foo}. */
  static Resolver proxy(String namespace) {
    return req -> {
      String alias = Routes.proxy(req.path());
      if (alias == null) {
        throw notFound(req, "a first segment [a-zA-Z0-9]+(-[a-zA-Z0-9]+)*");
      }
      return new Target(Routes.qualify(namespace, alias), req.method());
    };
  }

  /** The {@code Host} header (without port) is the service; the endpoint is the HTTP method. */
  static Resolver host() {
    Pattern hostname = Pattern.compile("^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?(\\.[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)*$");
    return req -> {
      String host = req.header("Host");
      String name = host == null ? "" : host.replaceFirst(":[0-9]+$", "");
      if (!hostname.matcher(name).matches()) {
        throw notFound(req, "a host name in the Host header, got '" + (host == null ? "" : host) + "'");
      }
      return new Target(name, req.method());
    };
  }

  /** {@code <ns>.<first segment>} ({@code versioned}: {@code /v1/foo} → {@code <ns>.v1.foo}). */
  static Resolver path(String namespace, boolean versioned) {
    Pattern version = Pattern.compile("^v[0-9]+$");
    return req -> {
      var parts = Routes.segments(req.path());
      if (parts == null || parts.isEmpty()) {
        throw notFound(req, "a first path segment of plain words");
      }
      String name = versioned && parts.size() > 1 && version.matcher(parts.get(0)).matches()
          ? parts.get(0) + "." + parts.get(1) : parts.get(0);
      return new Target(Routes.qualify(namespace, name), req.method());
    };
  }

  /** {@code /pkg.Service/Method} → service {@code pkg}, endpoint {@code Service.Method}. */
  static Resolver grpc() {
    Pattern qualified = Pattern.compile("^[a-zA-Z0-9_]+(\\.[a-zA-Z0-9_]+)+$");
    Pattern word = Pattern.compile("^[a-zA-Z0-9_]+$");
    return req -> {
      String[] parts = req.path().split("/");
      if (parts.length != 3 || !qualified.matcher(parts[1]).matches() || !word.matcher(parts[2]).matches()) {
        throw notFound(req, "a path /package.Service/Method");
      }
      int dot = parts[1].lastIndexOf('.');
      return new Target(parts[1].substring(0, dot), parts[1].substring(dot + 1) + "." + parts[2]);
    };
  }

  private static MicroException notFound(HttpRequest req, String expected) {
    String bad = Routes.badSegment(req.path());
    return MicroException.notFound("go.micro.api", "no service for path %s (expected %s%s)", req.path(), expected,
        bad.isEmpty() ? "" : "; '" + bad + "' is not a plain word");
  }
}
