package io.micro.toolkit.api;

import io.micro.errors.MicroException;
import io.micro.registry.Node;
import io.micro.toolkit.http.HttpHandler;
import io.micro.toolkit.http.HttpProxy;
import io.micro.toolkit.http.HttpRequest;
import io.micro.toolkit.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The {@code http} (alias {@code proxy}) and {@code web} handlers: resolves the service, picks one
 * of its nodes and reverse-proxies the request, path unchanged, to the node's HTTP address
 * (websockets included).
 */
final class ProxyHandler implements HttpHandler {
  private final Backend backend;
  private final Resolver resolver;
  private final HttpProxy proxy;

  ProxyHandler(Backend backend, Resolver resolver, HttpProxy proxy) {
    this.backend = backend;
    this.resolver = resolver;
    this.proxy = proxy;
  }

  @Override
  public CompletionStage<HttpResponse> handle(HttpRequest req) {
    Resolver.Target t;
    try {
      t = resolver.resolve(req);
    } catch (MicroException e) {
      return CompletableFuture.completedFuture(HttpResponse.error(e));
    }
    return backend.call(t.service(), () -> {
      Node node = backend.selector().select(t.service()).get();
      return proxy.forward(req, node.address());
    }).exceptionally(err -> backend.failure(err, t.service(), req));
  }
}
