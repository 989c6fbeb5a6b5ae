package io.micro.examples.pubsub;

/**
 * The message of the example, as go-micro's pubsub example defines it.
 *
 * @param id a unique id
 * @param timestamp Unix seconds when it was published
 * @param message free text
 */
public record PubsubEvent(String id, long timestamp, String message) {}
