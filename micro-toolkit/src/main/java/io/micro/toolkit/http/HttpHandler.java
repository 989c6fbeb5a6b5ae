package io.micro.toolkit.http;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Answers one HTTP request. {@link #handle} runs on the connection's event loop and must never
 * block: a handler that waits (an RPC, a registry lookup, a file) returns a stage completed later,
 * by an asynchronous API or by work handed to an executor (see {@link #blocking}).
 *
 * <p>A stage failed with a {@link io.micro.errors.MicroException} is answered with its code as the
 * status and its JSON as the body; any other failure becomes a 500. A stage not completed within
 * the server's handler timeout is answered 504.
 */
@FunctionalInterface
public interface HttpHandler {

  /** The response to {@code request}, now or later. */
  CompletionStage<HttpResponse> handle(HttpRequest request);

  /**
   * A handler that runs the blocking function {@code fn} on {@code executor}, off the event loop.
   * Its exceptions fail the stage as they would in {@link #handle}.
   */
  static HttpHandler blocking(Executor executor, Function<HttpRequest, HttpResponse> fn) {
    return request -> CompletableFuture.supplyAsync(() -> fn.apply(request), executor);
  }

  /** A handler answering every request synchronously with {@code fn} (which must not block). */
  static HttpHandler sync(Function<HttpRequest, HttpResponse> fn) {
    return request -> CompletableFuture.completedFuture(fn.apply(request));
  }
}
