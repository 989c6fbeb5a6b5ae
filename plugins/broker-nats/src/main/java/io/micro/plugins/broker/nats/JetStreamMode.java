package io.micro.plugins.broker.nats;

import io.micro.broker.Event;
import io.micro.broker.EventHandler;
import io.micro.broker.SubscribeOptions;
import io.micro.errors.MicroException;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.PublishOptions;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.PublishAck;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JetStream side of a {@link NatsBroker}: which stream stores each topic (found or created once
 * per topic), publishing with the server's acknowledgement, and durable subscriptions.
 */
final class JetStreamMode {
  private static final Logger LOG = LoggerFactory.getLogger(JetStreamMode.class);

  private final NatsBroker broker;
  private final Connection connection;
  private final JetStream js;
  private final JetStreamManagement jsm;
  private final ConcurrentMap<String, String> streams = new ConcurrentHashMap<>();

  private JetStreamMode(NatsBroker broker, Connection connection) throws IOException {
    this.broker = broker;
    this.connection = connection;
    this.js = connection.jetStream();
    this.jsm = connection.jetStreamManagement();
  }

  /** JetStream on {@code connection}; closes it and fails with a 503 when the server has none. */
  static JetStreamMode start(NatsBroker broker, Connection connection) {
    try {
      if (!connection.getServerInfo().isJetStreamAvailable()) {
        throw MicroException.of(NatsBroker.ERROR_ID, 503, "broker nats: JetStream is not enabled on "
            + connection.getConnectedUrl() + " (expected: nats-server -js)");
      }
      return new JetStreamMode(broker, connection);
    } catch (IOException | RuntimeException e) {
      try {
        connection.close();
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
      throw e instanceof MicroException m ? m : NatsBroker.unavailable("no JetStream on " + broker.address(), e);
    }
  }

  void publish(String topic, Event event, byte[] data) {
    String stream = stream(topic);
    try {
      PublishAck ack = js.publish(topic, null, data, options(topic, event));
      if (ack.isDuplicate()) {
        LOG.debug("broker nats: event {} on topic {} was already stored in stream {}", event.id(), topic, stream);
      }
    } catch (IOException | JetStreamApiException e) {
      streams.remove(topic, stream); // it may have been deleted: look it up again next time
      throw NatsBroker.unavailable("JetStream did not store event " + event.id() + " on topic "
          + topic + " in stream " + stream, e);
    }
  }

  CompletableFuture<Void> publishAsync(String topic, Event event, byte[] data) {
    String stream;
    try {
      stream = stream(topic);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    js.publishAsync(topic, null, data, options(topic, event)).whenComplete((ack, error) -> {
      if (error == null) {
        done.complete(null);
        return;
      }
      Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      streams.remove(topic, stream);
      done.completeExceptionally(NatsBroker.unavailable("JetStream did not store event " + event.id()
          + " on topic " + topic + " in stream " + stream, cause));
    });
    return done;
  }

  StreamSubscription subscribe(String topic, EventHandler handler, SubscribeOptions options) {
    String stream = stream(topic);
    try {
      return new StreamSubscription(broker, connection, stream, topic, handler, options);
    } catch (IOException | JetStreamApiException e) {
      throw NatsBroker.unavailable("cannot create a JetStream consumer of topic " + topic
          + " on stream " + stream, e);
    }
  }

  private @Nullable PublishOptions options(String topic, Event event) {
    if (!broker.settings().deduplicate() || event.id().isEmpty()) {
      return null;
    }
    return PublishOptions.builder().messageId(topic + "/" + event.id()).build();
  }

  /**
   * The stream that stores {@code topic}: one whose subjects cover it (made by an operator, say for
   * {@code orders.>}) or, when there is none, {@code MICRO_<topic>} created now with file storage
   * and the broker's max age.
   */
  String stream(String topic) {
    String known = streams.get(topic);
    if (known != null) {
      return known;
    }
    try {
      String name = find(topic);
      if (name == null) {
        name = NatsNames.stream(topic);
        try {
          jsm.addStream(StreamConfiguration.builder()
              .name(name)
              .description("Micro broker topic " + topic)
              .subjects(topic)
              .storageType(StorageType.File)
              .retentionPolicy(RetentionPolicy.Limits)
              .discardPolicy(DiscardPolicy.Old)
              .maxAge(broker.settings().maxAge())
              .build());
          LOG.info("broker nats: created JetStream stream {} for topic {}", name, topic);
        } catch (JetStreamApiException e) {
          String other = find(topic); // another process created it (or one covering the topic) first
          if (other == null) {
            throw e;
          }
          name = other;
        }
      }
      streams.put(topic, name);
      return name;
    } catch (IOException | JetStreamApiException e) {
      throw NatsBroker.unavailable("no JetStream stream for topic " + topic, e);
    }
  }

  private @Nullable String find(String topic) throws IOException, JetStreamApiException {
    List<String> names = jsm.getStreamNames(topic);
    return names.isEmpty() ? null : names.get(0);
  }
}
