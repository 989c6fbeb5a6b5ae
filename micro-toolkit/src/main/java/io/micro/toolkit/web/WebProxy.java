package io.micro.toolkit.web;

import io.micro.errors.MicroException;
import io.micro.registry.Node;
import io.micro.selector.Selector;
import io.micro.toolkit.http.HttpProxy;
import io.micro.toolkit.http.HttpRequest;
import io.micro.toolkit.http.HttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The reverse proxy of {@code micro web}: {@code /NAME/rest} goes to a node of {@code
 * <namespace>.NAME} chosen by the selector, as {@code /rest} ({@code /NAME} alone as {@code /}),
 * with {@code Host} set to the node and {@code X-Micro-Web-Base-Path: /NAME} added, so the app
 * can build absolute links. Websocket upgrades are tunnelled by {@link HttpProxy}.
 *
 * <p>A web app the registry does not know is answered 502 naming it.
 */
final class WebProxy {

  private static final Pattern ALIAS = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,62}");
  static final String BASE_PATH = "X-Micro-Web-Base-Path";

  private final Selector selector;
  private final String namespace;
  private final Executor executor;
  private final HttpProxy proxy;

  WebProxy(Selector selector, String namespace, Executor executor, HttpProxy proxy) {
    this.selector = selector;
    this.namespace = namespace;
    this.executor = executor;
    this.proxy = proxy;
  }

  /** True when {@code alias} may name a web app: letters, digits and hyphens. */
  static boolean isAlias(String alias) {
    return ALIAS.matcher(alias).matches();
  }

  /** The web app alias of {@code path} ({@code /NAME} or {@code /NAME/...}), or null. */
  static @Nullable String aliasOf(String path) {
    int end = path.indexOf('/', 1);
    String first = end < 0 ? path.substring(1) : path.substring(1, end);
    return !Dashboard.RESERVED.contains(first) && isAlias(first) ? first : null;
  }

  /** The backend target of {@code uri} under {@code alias}: the rest after {@code /alias}, or {@code /}. */
  static String rewrite(String uri, String alias) {
    String rest = uri.substring(alias.length() + 1);
    if (rest.isEmpty() || rest.charAt(0) == '?') {
      return "/" + rest;
    }
    return rest;
  }

  /**
   * Resolves the web app off the event loop, then forwards {@code request} to one of its nodes;
   * websocket upgrades too (the proxy tunnels them once the answer arrives, on whichever thread).
   * An unknown or unreachable web app is answered with 502.
   */
  CompletionStage<HttpResponse> forward(HttpRequest request, String alias) {
    String service = namespace + "." + alias;
    return CompletableFuture.supplyAsync(() -> selector.select(service).get(), executor)
        .handle((Node node, @Nullable Throwable error) -> {
          if (error != null) {
            Throwable c = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
            String why = c instanceof MicroException m ? m.detail() : String.valueOf(c.getMessage());
            return CompletableFuture.completedFuture(HttpResponse.error(MicroException.of(Lookups.ID,
                502, "web app " + service + ": " + why, "Bad Gateway")));
          }
          HttpHeaders extra = new DefaultHttpHeaders();
          extra.set(HttpHeaderNames.HOST, node.address());
          extra.set(BASE_PATH, "/" + alias);
          return proxy.forward(request, node.address(), rewrite(request.uri(), alias), extra);
        })
        .thenCompose(stage -> stage);
  }
}
