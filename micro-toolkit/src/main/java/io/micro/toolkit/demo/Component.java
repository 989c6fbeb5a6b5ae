package io.micro.toolkit.demo;

import io.micro.toolkit.Toolkit;
import java.util.List;

/**
 * One part of the demo environment, started and stopped on its own: the demo starts components in
 * order and closes them in reverse order.
 */
public interface Component extends AutoCloseable {

  /** A short name for the listing, e.g. {@code web}. */
  String name();

  /**
   * Starts the component with the registry, selector and client of {@code toolkit}; returns what
   * to show the user (its URL or address, one line each).
   *
   * @throws RuntimeException when it cannot start, saying why (e.g. the port is in use)
   */
  List<String> start(Toolkit toolkit);

  /** Stops the component; idempotent, never throws. */
  @Override
  void close();
}
