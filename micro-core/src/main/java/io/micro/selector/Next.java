package io.micro.selector;

import io.micro.registry.Node;
import java.util.function.Supplier;

/**
 * The nodes one call may try, in the order of a {@link Strategy}: each {@link #get()} returns the
 * next node (a random strategy may return the same node again). Safe for concurrent use.
 */
@FunctionalInterface
public interface Next extends Supplier<Node> {

  /**
   * The next node to try.
   *
   * @throws io.micro.errors.MicroException 500 {@code error selecting <service> node: none
   *     available} when there is no node
   */
  @Override
  Node get();
}
