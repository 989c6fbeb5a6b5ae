package io.micro.server;

/**
 * Middleware around subscribers (go-micro's {@code SubscriberWrapper}), the counterpart of
 * {@link HandlerWrapper}: tracing, metrics and logging of consumed messages.
 *
 * <p>A wrapper proceeds by calling {@code next.handle(request)} (at most once), may replace the
 * request, and signals failure by throwing (the event is then redelivered by durable brokers).
 * Wrappers given to {@link Server.Builder#wrapSubscriber} apply in the order given, the first
 * outermost, on the broker thread that delivers the message, with
 * {@link io.micro.metadata.Metadata#current()} bound to the message's metadata.
 *
 * <pre>{@code
 * SubscriberWrapper logging = (request, next) -> {
 *   log.info("message on {} for {}", request.topic(), request.endpoint());
 *   next.handle(request);
 * };
 * }</pre>
 */
@FunctionalInterface
public interface SubscriberWrapper {

  /** Handles {@code request}, normally by calling {@code next.handle(request)}. */
  void handle(SubscriberRequest request, Next next) throws Exception;

  /** The rest of the chain: the next wrapper, or the subscriber method itself. */
  @FunctionalInterface
  interface Next {
    /** Proceeds with {@code request}. */
    void handle(SubscriberRequest request) throws Exception;
  }
}
