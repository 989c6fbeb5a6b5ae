package io.micro.registry;

import java.time.Duration;
import java.util.Optional;

/**
 * A stream of registry changes. {@link #next(Duration)} blocks until a change arrives, the timeout
 * passes (empty result) or the watcher is closed (throws {@link IllegalStateException}).
 */
public interface Watcher extends AutoCloseable {

  /** The next change, or empty when none arrived within {@code timeout}. */
  Optional<Result> next(Duration timeout);

  /** Stops the watcher; a blocked {@link #next(Duration)} returns by throwing. */
  @Override
  void close();

  /** A change: {@code action} is {@code create}, {@code update} or {@code delete}. */
  record Result(String action, Service service) {}
}
