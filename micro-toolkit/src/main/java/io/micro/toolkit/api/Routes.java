package io.micro.toolkit.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Micro's path translations (go-micro's api resolvers): pure functions of the path, without the
 * namespace. Every segment that becomes part of a name must be a plain word ({@code [A-Za-z0-9_]}
 * with single inner hyphens), so no path can name a service outside the namespace.
 */
final class Routes {
  private static final Pattern VERSION = Pattern.compile("^v[0-9]+$");
  private static final Pattern PROXY_ALIAS = Pattern.compile("^[a-zA-Z0-9]+(-[a-zA-Z0-9]+)*$");

  private Routes() {}

  /**
   * The RPC route of a path: {@code [service, endpoint]}, or null when the path names none.
   * {@code /foo} is {@code foo Foo.Call}; {@code /foo/bar} is {@code foo Foo.Bar}; {@code
   * /v1/foo/bar} is {@code v1.foo Foo.Bar}; otherwise the last two segments are the endpoint and
   * the rest the service. Hyphenated words become CamelCase ({@code get-user} → {@code GetUser}).
   */
  static String @Nullable [] api(String path) {
    List<String> parts = segments(path);
    if (parts == null || parts.isEmpty()) {
      return null;
    }
    if (parts.size() == 1) {
      return new String[] {parts.get(0), camel(parts.get(0)) + ".Call"};
    }
    if (parts.size() == 2) {
      return new String[] {parts.get(0), method(parts)};
    }
    if (parts.size() == 3 && isVersion(parts.get(0))) {
      return new String[] {parts.get(0) + "." + parts.get(1), method(parts.subList(1, 3))};
    }
    return new String[] {String.join(".", parts.subList(0, parts.size() - 2)),
        method(parts.subList(parts.size() - 2, parts.size()))};
  }

  /** Whether {@code s} matches {@code v[0-9]+}. */
  static boolean isVersion(String s) {
    if (s.length() < 2 || s.charAt(0) != 'v') {
      return false;
    }
    for (int i = 1; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /**
   * The service alias of a path for the proxying handlers: the first segment, or {@code v1.foo}
   * for {@code /v1/foo/...}; null when the alias is not {@code [a-zA-Z0-9]+(-[a-zA-Z0-9]+)*}.
   */
  static @Nullable String proxy(String path) {
    String[] raw = path.split("/", -1);
    if (raw.length < 2) {
      return null;
    }
    String service;
    String alias;
    if (raw.length > 2 && VERSION.matcher(raw[1]).matches()) {
      service = raw[1] + "." + raw[2];
      alias = raw[2];
    } else {
      service = raw[1];
      alias = raw[1];
    }
    return PROXY_ALIAS.matcher(alias).matches() ? service : null;
  }

  /**
   * The topic suffix and event name of a path: {@code /} is {@code ["", "event"]}; {@code
   * /user/login} is {@code ["user", "login"]}; {@code /user/login/john} {@code ["user",
   * "login.john"]}; {@code /v1/foo/bar} {@code ["v1.foo", "foo.bar"]}; {@code /user} {@code
   * ["user", "user"]}. Null when a segment is not a plain word.
   */
  static String @Nullable [] event(String path) {
    List<String> parts = segments(path);
    if (parts == null) {
      return null;
    }
    if (parts.isEmpty()) {
      return new String[] {"", "event"};
    }
    if (parts.size() >= 2 && VERSION.matcher(parts.get(0)).matches()) {
      return new String[] {parts.get(0) + "." + parts.get(1), String.join(".", parts.subList(1, parts.size()))};
    }
    String name = parts.size() == 1 ? parts.get(0) : String.join(".", parts.subList(1, parts.size()));
    return new String[] {parts.get(0), name};
  }

  /** The non-empty segments of a cleaned path, or null when one is not a plain word. */
  static @Nullable List<String> segments(String path) {
    List<String> out = new ArrayList<>();
    for (String s : path.split("/")) {
      if (s.isEmpty()) {
        continue;
      }
      if (!isWord(s)) {
        return null;
      }
      out.add(s);
    }
    return out;
  }

  /** Whether {@code s} matches {@code [a-zA-Z0-9_]+(-[a-zA-Z0-9_]+)*} (a loop: this runs per request). */
  static boolean isWord(String s) {
    int n = s.length();
    if (n == 0 || s.charAt(0) == '-' || s.charAt(n - 1) == '-') {
      return false;
    }
    char prev = 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      boolean word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
      if (!word && !(c == '-' && prev != '-')) {
        return false;
      }
      prev = c;
    }
    return true;
  }

  /** The first segment that is not a plain word, for error messages; empty if none. */
  static String badSegment(String path) {
    for (String s : path.split("/")) {
      if (!s.isEmpty() && !isWord(s)) {
        return s;
      }
    }
    return "";
  }

  private static String method(List<String> parts) {
    StringBuilder b = new StringBuilder();
    for (String p : parts) {
      if (b.length() > 0) {
        b.append('.');
      }
      b.append(camel(p));
    }
    return b.toString();
  }

  /** {@code get-user} → {@code GetUser}; {@code fooBar} → {@code FooBar}. */
  static String camel(String word) {
    StringBuilder b = new StringBuilder(word.length());
    for (String w : word.split("-")) {
      if (!w.isEmpty()) {
        b.append(w.substring(0, 1).toUpperCase(Locale.ROOT)).append(w, 1, w.length());
      }
    }
    return b.toString();
  }

  /** {@code ns + "." + name}, or {@code name} when the namespace is empty. */
  static String qualify(String namespace, String name) {
    if (namespace.isEmpty()) {
      return name;
    }
    return name.isEmpty() ? namespace : namespace + "." + name;
  }
}
