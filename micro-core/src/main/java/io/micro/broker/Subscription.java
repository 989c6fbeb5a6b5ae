package io.micro.broker;

/**
 * A live subscription returned by {@link Broker#subscribe}. Thread-safe.
 */
public interface Subscription extends AutoCloseable {

  /** The topic subscribed to. */
  String topic();

  /** The options it was made with. */
  SubscribeOptions options();

  /**
   * Stops delivery: once it returns no new handler call starts (one already running may finish).
   * On a durable backend events not yet acknowledged go back to the queue group. Idempotent.
   */
  void unsubscribe();

  /** Same as {@link #unsubscribe()}. */
  @Override
  default void close() {
    unsubscribe();
  }
}
