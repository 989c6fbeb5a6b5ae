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

  /**
   * A change of one version of a service, as go-micro's watchers report them (its caching selector
   * merges them the same way):
   *
   * <ul>
   *   <li>{@code create} / {@code update}: {@code service} carries the nodes that appeared or
   *       changed (it may carry more of the version's nodes); a reader adds them, replacing nodes
   *       of the same id, and keeps the nodes it already knew.
   *   <li>{@code delete}: {@code service} carries the nodes that were removed (deregistered,
   *       expired or lost), never the nodes that stay; a reader drops them, and the version once it
   *       has no node left.
   * </ul>
   *
   * <p>Removing a node is therefore always a {@code delete}, even when other nodes of the version
   * remain. Results for one service arrive in the order the changes happened.
   */
  record Result(String action, Service service) {}
}
