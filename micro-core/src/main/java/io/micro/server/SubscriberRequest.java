package io.micro.server;

import io.micro.broker.Event;
import io.micro.metadata.Metadata;
import java.util.Objects;

/**
 * One decoded message as subscribers and {@link SubscriberWrapper}s see it (go-micro's
 * {@code server.Message}).
 *
 * @param topic the topic it was published on
 * @param endpoint the subscriber's registry endpoint: {@code Func} or {@code Handler.Method}
 * @param metadata the event's headers
 * @param message the decoded payload, an instance of the subscriber's parameter type
 * @param contentType the content type the payload was decoded with
 * @param event the raw event (headers and encoded body)
 */
public record SubscriberRequest(
    String topic, String endpoint, Metadata metadata, Object message, String contentType, Event event) {

  /** Checks that no component is null. */
  public SubscriberRequest {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(event, "event");
  }

  /** A copy with another message, passed on to {@code next}. */
  public SubscriberRequest withMessage(Object newMessage) {
    return new SubscriberRequest(topic, endpoint, metadata, newMessage, contentType, event);
  }

  /** A copy with other metadata; it is what the subscriber and its nested calls see. */
  public SubscriberRequest withMetadata(Metadata newMetadata) {
    return new SubscriberRequest(topic, endpoint, newMetadata, message, contentType, event);
  }
}
