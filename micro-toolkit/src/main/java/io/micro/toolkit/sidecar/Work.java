package io.micro.toolkit.sidecar;

import io.micro.cmd.Options;
import io.micro.errors.MicroException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/** Runs blocking work off the event loop; a full executor answers 503 instead of queueing forever. */
final class Work {
  static final String ERROR_ID = "go.micro.sidecar";

  private Work() {}

  /**
   * A Go duration ({@code 30s}, {@code 1m30s}, {@code 500ms}) or plain seconds ({@code 10}); blank
   * or {@code 0} is zero.
   *
   * @throws IllegalArgumentException naming the text and the expected form
   */
  static Duration duration(@Nullable String text) {
    if (text == null || text.isBlank() || text.strip().equals("0")) {
      return Duration.ZERO;
    }
    try {
      Duration d = Options.builder().set("register_ttl", text).build().registerTtl();
      return d == null ? Duration.ZERO : d;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "'" + text + "' (expected: a duration such as 30s, 1m30s, 500ms or 10 for seconds)", e);
    }
  }

  /** {@code work} on {@code executor}; fails with 503 when the executor is full. */
  static <T> CompletableFuture<T> async(Executor executor, Supplier<T> work) {
    try {
      return CompletableFuture.supplyAsync(work, executor);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(MicroException.of(ERROR_ID, 503,
          "sidecar busy: too many requests in progress, try again"));
    }
  }
}
