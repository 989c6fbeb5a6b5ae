package io.micro.toolkit.sidecar;

import java.util.concurrent.CompletableFuture;

/** Answers the requests of one path; the future may complete on any thread. */
@FunctionalInterface
interface Route {

  /** The answer to {@code exchange}; a route never throws, it answers with an error reply. */
  CompletableFuture<Reply> handle(Exchange exchange);
}
