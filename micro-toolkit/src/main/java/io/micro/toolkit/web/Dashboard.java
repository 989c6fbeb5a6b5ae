package io.micro.toolkit.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micro.errors.MicroException;
import io.micro.registry.Service;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The dashboard's routes (everything but the proxy and {@code /rpc}): pages, {@code /registry}
 * JSON, {@code /stats}, static assets. Blocking: the HTTP server calls it off its event loop.
 */
final class Dashboard {

  /** First path segments that belong to the dashboard, so no web app can be proxied under them. */
  static final Set<String> RESERVED = Set.of("registry", "rpc", "call", "query", "client", "cli",
      "terminal", "stats", "assets", "favicon.ico", "");

  private static final Map<String, String> ASSETS = Map.of(
      "dashboard.css", "text/css; charset=utf-8",
      "dashboard.js", "text/javascript; charset=utf-8",
      "favicon.svg", "image/svg+xml");

  private final Lookups lookups;
  private final Pages pages;
  private final ObjectMapper json;
  private final io.micro.toolkit.http.HttpStats stats;
  private final boolean statsEnabled;
  private final Map<String, byte[]> assets = new HashMap<>();

  Dashboard(Lookups lookups, Pages pages, ObjectMapper json, io.micro.toolkit.http.HttpStats stats,
      boolean statsEnabled) {
    this.lookups = lookups;
    this.pages = pages;
    this.json = json;
    this.stats = stats;
    this.statsEnabled = statsEnabled;
    for (String name : ASSETS.keySet()) {
      try (InputStream in = Dashboard.class.getResourceAsStream("assets/" + name)) {
        if (in == null) {
          throw new IllegalStateException("missing resource io/micro/toolkit/web/assets/" + name);
        }
        assets.put(name, in.readAllBytes());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Answers one request; never throws. */
  Reply handle(String uri, HttpHeaders headers) {
    QueryStringDecoder q = new QueryStringDecoder(uri);
    String path = q.path();
    boolean wantsJson = wantsJson(headers);
    try {
      return switch (path) {
        case "/", "/index.html" -> Reply.html(pages.home(lookups.names()));
        case "/registry" -> registry(param(q, "service"), wantsJson);
        case "/call", "/query", "/client" -> wantsJson
            ? namesJson()
            : Reply.html(pages.call(lookups.names(), param(q, "service"), param(q, "endpoint")));
        case "/cli", "/terminal" -> Reply.html(pages.cli());
        case "/stats" -> statsEnabled ? stats(wantsJson) : notFound(path, wantsJson);
        case "/favicon.ico" -> new Reply(200, "image/svg+xml", assets.get("favicon.svg"), Map.of());
        default -> path.startsWith("/assets/") ? asset(path.substring(8)) : notFound(path, wantsJson);
      };
    } catch (MicroException e) {
      return wantsJson ? Reply.error(e) : Reply.html(e.code() >= 400 ? e.code() : 500,
          pages.error(e.detail()));
    } catch (RuntimeException e) {
      MicroException m = MicroException.internalServerError(Lookups.ID, "%s", String.valueOf(e));
      return wantsJson ? Reply.error(m) : Reply.html(500, pages.error(m.detail()));
    }
  }

  private Reply registry(String service, boolean wantsJson) {
    if (service.isEmpty()) {
      List<String> names = lookups.names();
      return wantsJson ? namesJson(names) : Reply.html(pages.registry(names));
    }
    List<Service> versions = lookups.service(service);
    if (versions.isEmpty()) {
      MicroException e = MicroException.notFound(Lookups.ID, "service %s: not found", service);
      return wantsJson ? Reply.error(e) : Reply.html(404, pages.notFound("service " + service + ": not found"));
    }
    return wantsJson ? jsonOf(Map.of("services", versions)) : Reply.html(pages.service(service, versions));
  }

  private Reply namesJson() {
    return namesJson(lookups.names());
  }

  private Reply namesJson(List<String> names) {
    return jsonOf(Map.of("services", names));
  }

  private Reply stats(boolean wantsJson) {
    return wantsJson ? Reply.json(stats.json().getBytes(StandardCharsets.UTF_8)) : Reply.html(pages.stats());
  }

  private Reply asset(String name) {
    byte[] b = assets.get(name);
    if (b == null) {
      return notFound("/assets/" + name, false);
    }
    return new Reply(200, ASSETS.get(name), b, Map.of("Cache-Control", "max-age=300"));
  }

  private Reply notFound(String path, boolean wantsJson) {
    MicroException e = MicroException.notFound(Lookups.ID, "%s: not found", path);
    return wantsJson ? Reply.error(e) : Reply.html(404, pages.notFound(path + ": not found"));
  }

  private Reply jsonOf(Object value) {
    try {
      return Reply.json(json.writeValueAsBytes(value));
    } catch (JsonProcessingException e) {
      return Reply.error(MicroException.internalServerError(Lookups.ID, "%s", e.getOriginalMessage()));
    }
  }

  /** JSON when asked by {@code Accept} or, as micro's dashboard, by {@code Content-Type}. */
  static boolean wantsJson(HttpHeaders headers) {
    String accept = headers.get(HttpHeaderNames.ACCEPT, "");
    String type = headers.get(HttpHeaderNames.CONTENT_TYPE, "");
    return type.startsWith("application/json")
        || (accept.contains("application/json") && !accept.contains("text/html"));
  }

  private static String param(QueryStringDecoder q, String name) {
    List<String> v = q.parameters().get(name);
    return v == null || v.isEmpty() ? "" : v.get(0).trim();
  }
}
