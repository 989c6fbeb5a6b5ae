package io.micro.client;

import io.micro.errors.MicroException;
import io.micro.registry.Node;
import io.micro.selector.Selector;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The retry loop of one call (go-micro protocol B.9): for attempt 0..retries wait the backoff, take
 * the next node, run the wrapper chain around one {@link Exchange}, report the outcome to the
 * selector, and stop on success, on an error the {@link RetryPolicy} does not retry, or when the
 * call's deadline passes (408 {@code call timeout}). Nothing blocks: attempts after the first start
 * from {@code executor} once their backoff has elapsed.
 */
final class CallExecution {
  private final Request request;
  private final Type responseType;
  private final CallOptions options;
  private final Settings settings;
  private final Supplier<Node> next;
  private final @Nullable Selector selector;
  private final Duration budget;
  private final long deadline;
  private final CompletableFuture<@Nullable Object> result = new CompletableFuture<>();

  /**
   * The resolved settings of one call.
   *
   * @param retries retries after the first attempt
   * @param connectionTimeout the longest single attempt
   * @param backoff the wait before each attempt
   * @param policy which errors are retried
   * @param chain the wrappers around the {@link Exchange}
   * @param executor where retries start
   */
  record Settings(int retries, Duration connectionTimeout, Backoff backoff, RetryPolicy policy,
      Invoker chain, Executor executor) {}

  CallExecution(Request request, Type responseType, CallOptions options, Settings settings,
      Supplier<Node> next, @Nullable Selector selector, Duration budget) {
    this.request = request;
    this.responseType = responseType;
    this.options = options;
    this.settings = settings;
    this.next = next;
    this.selector = selector;
    this.budget = budget;
    this.deadline = System.nanoTime() + budget.toNanos();
  }

  /** Starts the first attempt (after its backoff, usually none) and returns the call's result. */
  CompletableFuture<@Nullable Object> start() {
    schedule(0);
    return result;
  }

  private void schedule(int attempt) {
    Duration delay;
    try {
      delay = settings.backoff().delay(request, attempt);
    } catch (RuntimeException e) {
      result.completeExceptionally(ClientErrors.toMicro(e));
      return;
    }
    long delayNanos = Math.max(0, delay.toNanos());
    if (delayNanos >= deadline - System.nanoTime()) {
      result.completeExceptionally(ClientErrors.callTimeout(budget));
    } else if (delayNanos == 0 && attempt == 0) {
      run(attempt);
    } else {
      Executor later = delayNanos == 0 ? settings.executor()
          : CompletableFuture.delayedExecutor(delayNanos, TimeUnit.NANOSECONDS, settings.executor());
      try {
        later.execute(() -> run(attempt));
      } catch (RuntimeException e) { // a closed executor
        result.completeExceptionally(ClientErrors.toMicro(e));
      }
    }
  }

  private void run(int attempt) {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      result.completeExceptionally(ClientErrors.callTimeout(budget));
      return;
    }
    Node node = null;
    try {
      node = next.get();
      long connNanos = settings.connectionTimeout().toNanos();
      Duration timeout = Duration.ofNanos(Math.min(connNanos, left));
      Call call = new Call(request, node, responseType, options, attempt, timeout);
      CompletableFuture<@Nullable Object> f = settings.chain().invoke(call);
      Node chosen = node;
      f.whenComplete((value, error) -> finish(attempt, chosen, value, error));
    } catch (RuntimeException e) {
      finish(attempt, node, null, e);
    }
  }

  private void finish(int attempt, @Nullable Node node, @Nullable Object value, @Nullable Throwable error) {
    if (error == null) {
      mark(node, null);
      result.complete(value);
      return;
    }
    MicroException e = ClientErrors.toMicro(error);
    boolean nodeFault = e.code() == 408 || RetryPolicy.isConnectionError(e);
    mark(node, nodeFault ? e : null);
    boolean timeLeft = deadline - System.nanoTime() > 0;
    boolean retry;
    try {
      retry = attempt < settings.retries() && settings.policy().shouldRetry(e);
    } catch (RuntimeException policyError) {
      result.completeExceptionally(ClientErrors.toMicro(policyError));
      return;
    }
    if (retry && timeLeft) {
      schedule(attempt + 1);
    } else if (!timeLeft && (retry || e.code() == 408)) {
      result.completeExceptionally(ClientErrors.callTimeout(budget).withCause(e));
    } else {
      result.completeExceptionally(e);
    }
  }

  private void mark(@Nullable Node node, @Nullable Throwable error) {
    if (node != null && selector != null) {
      try {
        selector.mark(request.service(), node, error);
      } catch (RuntimeException ignored) {
        // a selector's bookkeeping must not change the outcome of the call
      }
    }
  }
}
