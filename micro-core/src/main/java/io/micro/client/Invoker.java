package io.micro.client;

import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The rest of the chain after a {@link CallWrapper}: the next wrapper, or finally the attempt itself
 * (connection, send, receive, decode).
 */
@FunctionalInterface
public interface Invoker {

  /**
   * Proceeds with {@code call}. The future completes with the decoded reply (null for an empty
   * reply decoded as {@code Void}) or fails with a {@link io.micro.errors.MicroException}.
   */
  CompletableFuture<@Nullable Object> invoke(Call call);
}
