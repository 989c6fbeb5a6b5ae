package io.micro.client;

import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The client middleware: wraps every attempt of every call (go-micro's {@code CallWrapper}).
 * Tracing, metrics, auth headers and circuit breaking are wrappers.
 *
 * <p>Wrappers given to {@link Client.Builder#wrap(CallWrapper...)} run in the order given: the first
 * is outermost, it sees the call first and the result last. A wrapper proceeds explicitly with
 * {@code next.invoke(call)} (possibly with a modified {@link Call}), may short-circuit by returning
 * its own future, and may transform the result or the error:
 *
 * <pre>{@code
 * CallWrapper auth = (call, next) ->
 *     next.invoke(call.withRequest(call.request().withHeader("Authorization", "Bearer " + token)));
 * CallWrapper timing = (call, next) -> {
 *   long start = System.nanoTime();
 *   return next.invoke(call).whenComplete((r, e) -> record(call.request().endpoint(), System.nanoTime() - start));
 * };
 * }</pre>
 *
 * <p>Contract: a wrapper runs on the thread that starts the attempt and must not block; it returns a
 * non-null future (a null one fails the attempt with a 500 naming the wrapper). Retries happen
 * outside the chain: each attempt runs the whole chain again, with {@link Call#attempt()} counting.
 * Errors should be {@link io.micro.errors.MicroException}s so that the {@link RetryPolicy} can judge
 * them.
 */
@FunctionalInterface
public interface CallWrapper {

  /** Handles one attempt: usually does something around {@code next.invoke(call)}. */
  CompletableFuture<@Nullable Object> call(Call call, Invoker next);
}
