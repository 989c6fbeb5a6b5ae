package io.micro.examples.pubsub;

/** The topics and queue group of the example. */
public final class Topics {
  /** Broadcast: every subscriber instance gets every event. */
  public static final String ONE = "example.topic.pubsub.1";
  /** Consumed by the queue group {@link #QUEUE}: one instance gets each event. */
  public static final String TWO = "example.topic.pubsub.2";
  /** The queue group of {@link #TWO}. */
  public static final String QUEUE = "pubsub.workers";

  private Topics() {}
}
