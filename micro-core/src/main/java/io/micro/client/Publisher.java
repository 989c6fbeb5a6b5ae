package io.micro.client;

import io.micro.broker.Broker;
import io.micro.broker.Event;
import io.micro.codec.Codec;
import io.micro.codec.Codecs;
import io.micro.metadata.Metadata;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Publishing for the client, as go-micro's client does it: the message encoded with the codec of
 * the content type, headers = the caller's metadata ({@link Metadata#current()} merged with the
 * options' metadata) plus {@code Content-Type}, {@code Micro-Topic} and a fresh {@code Micro-ID}.
 */
final class Publisher {
  private static final String[] OURS = {Event.CONTENT_TYPE, Event.TOPIC, Event.ID, "Content-Length"};

  private final @Nullable Broker broker;
  private final Codecs codecs;
  private final String defaultContentType;

  Publisher(@Nullable Broker broker, Codecs codecs, String defaultContentType) {
    this.broker = broker;
    this.codecs = codecs;
    this.defaultContentType = defaultContentType;
  }

  Event event(String topic, Object message, PublishOptions options) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(message, "message");
    if (topic.isBlank()) {
      throw new IllegalArgumentException("topic: '' (expected: a topic)");
    }
    String ct = options.contentType() != null ? options.contentType() : defaultContentType;
    Codec codec = codecs.forContentType(ct).orElseThrow(() -> new IllegalArgumentException(
        "contentType: " + ct + " (expected: one of " + codecs.contentTypes() + ")"));
    byte[] body = codec.marshal(message);
    Map<String, String> headers = new LinkedHashMap<>();
    Metadata.current().merge(options.metadata()).asMap().forEach((k, v) -> {
      for (String ours : OURS) {
        if (ours.equalsIgnoreCase(k)) {
          return;
        }
      }
      headers.put(k, v);
    });
    headers.put(Event.CONTENT_TYPE, ct);
    headers.put(Event.TOPIC, topic);
    headers.put(Event.ID, UUID.randomUUID().toString());
    return Event.of(headers, body);
  }

  void publish(String topic, Object message, PublishOptions options) {
    Broker b = requireBroker();
    b.publish(topic, event(topic, message, options));
  }

  CompletableFuture<Void> publishAsync(String topic, Object message, PublishOptions options) {
    Broker b = requireBroker();
    try {
      return b.publishAsync(topic, event(topic, message, options));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private Broker requireBroker() {
    if (broker == null) {
      throw new IllegalStateException("client: no broker to publish with (expected: Client.Builder.broker)");
    }
    return broker;
  }
}
