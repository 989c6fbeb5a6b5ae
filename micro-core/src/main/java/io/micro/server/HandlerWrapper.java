package io.micro.server;

/**
 * Server middleware: the one shape for tracing, auth, metrics, rate limiting and logging around
 * handlers (go-micro's {@code HandlerWrapper}).
 *
 * <p>A wrapper decides whether and how to proceed by calling {@code next.handle(request)} (at most
 * once), may replace the request (see {@link HandlerRequest#withBody}) and may replace or inspect the
 * result. Wrappers given to {@link Server.Builder#wrap} apply in the order given: the first is the
 * outermost. They run on the thread that runs the handler, with {@link io.micro.metadata.Metadata#current()}
 * bound to the request's metadata.
 *
 * <pre>{@code
 * HandlerWrapper logging = (request, next) -> {
 *   log.info("call {}", request.endpoint());
 *   return next.handle(request);
 * };
 * }</pre>
 *
 * <p>The result is the handler's response object, or a {@link java.util.concurrent.CompletionStage}
 * of it for asynchronous handlers; a wrapper that needs the final value of an asynchronous call
 * composes on the stage. Throwing a {@link io.micro.errors.MicroException} answers the call with that
 * error; any other exception becomes a 500 error carrying its message.
 */
@FunctionalInterface
public interface HandlerWrapper {

  /** Handles {@code request}, normally by calling {@code next.handle(request)}. */
  Object handle(HandlerRequest request, Next next) throws Exception;

  /** The rest of the chain: the next wrapper, or the handler method itself. */
  @FunctionalInterface
  interface Next {
    /** Proceeds with {@code request}; returns the response or a {@code CompletionStage} of it. */
    Object handle(HandlerRequest request) throws Exception;
  }
}
