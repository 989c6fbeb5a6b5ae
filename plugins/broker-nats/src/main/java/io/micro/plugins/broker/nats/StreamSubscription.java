package io.micro.plugins.broker.nats;

import io.micro.broker.Event;
import io.micro.broker.EventHandler;
import io.micro.broker.SubscribeOptions;
import io.micro.broker.Subscription;
import io.micro.broker.spi.BaseDelivery;
import io.nats.client.ConsumeOptions;
import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.MessageConsumer;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JetStream subscription: a pull consumer on the topic's stream, filtered to the topic, with
 * explicit acknowledgement — durable and named after the queue group and topic for a queue group
 * (members of the group share it, each event goes to one of them, and it keeps its place while no
 * member runs), ephemeral for a plain subscriber (deleted on unsubscribe, or by the server a minute
 * after its subscriber vanished). Both start with events published after they were created.
 *
 * <p>Events are handled one at a time on a dispatcher of this subscription's own, in stream order.
 * The attempt is JetStream's delivery count. {@link BaseDelivery} caps redelivery at
 * {@link SubscribeOptions#maxRedeliveries()} and dead-letters; the consumer's {@code MaxDeliver} is
 * set higher than that ({@code 2 * (maxRedeliveries + 1) + 10}) as a backstop, because JetStream
 * drops an event at {@code MaxDeliver} silently and deliveries lost to a dying subscriber also count.
 * On unsubscribe, events handed to a handler but not settled are nacked so another member gets them
 * at once; events the server had sent but the handler never saw come back after the ack wait.
 */
final class StreamSubscription implements Subscription {
  private static final Logger LOG = LoggerFactory.getLogger(StreamSubscription.class);
  private static final Duration EPHEMERAL_TTL = Duration.ofMinutes(1);

  private final NatsBroker broker;
  private final Connection connection;
  private final String stream;
  private final String topic;
  private final EventHandler handler;
  private final SubscribeOptions options;
  private final Dispatcher dispatcher;
  private final ConsumerContext context;
  private final ConsumeOptions consume;
  private volatile MessageConsumer consumer;
  private final @Nullable String ephemeral;
  private final Set<StreamDelivery> unsettled = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();

  StreamSubscription(NatsBroker broker, Connection connection, String stream, String topic,
      EventHandler handler, SubscribeOptions options) throws IOException, JetStreamApiException {
    this.broker = broker;
    this.connection = connection;
    this.stream = stream;
    this.topic = topic;
    this.handler = handler;
    this.options = options;
    NatsBroker.Settings s = broker.settings();
    long backstop = Math.min(Integer.MAX_VALUE, 2L * (options.maxRedeliveries() + 1) + 10);
    ConsumerConfiguration.Builder cc = ConsumerConfiguration.builder()
        .filterSubject(topic)
        .deliverPolicy(DeliverPolicy.New)
        .ackPolicy(AckPolicy.Explicit)
        .ackWait(s.ackWait())
        .maxDeliver(backstop);
    if (options.hasQueue()) {
      cc.durable(NatsNames.durable(options.queue(), topic))
          .description("Micro queue group " + options.queue() + " of topic " + topic);
    } else {
      cc.inactiveThreshold(EPHEMERAL_TTL).description("Micro subscriber of topic " + topic);
    }
    this.context = connection.getStreamContext(stream).createOrUpdateConsumer(cc.build());
    this.ephemeral = options.hasQueue() ? null : context.getConsumerName();
    this.consume = ConsumeOptions.builder().batchSize(s.prefetch()).build();
    this.dispatcher = connection.createDispatcher();
    this.consumer = context.consume(consume, dispatcher, this::onMessage);
  }

  /**
   * Pulls again after a reconnect: the server forgot the pending pull when it restarted, and jnats
   * would notice only after missed heartbeats (tens of seconds). The consumer itself is stored by
   * the server and keeps its place.
   */
  synchronized void resume() {
    if (closed.get()) {
      return;
    }
    MessageConsumer old = consumer;
    try {
      old.close();
    } catch (Exception e) {
      LOG.debug("broker nats: closing the old pull of topic {}: {}", topic, e.toString());
    }
    try {
      consumer = context.consume(consume, dispatcher, this::onMessage);
      LOG.info("broker nats: consuming topic {} from stream {} again", topic, stream);
    } catch (IOException | JetStreamApiException | RuntimeException e) {
      LOG.error("broker nats: cannot consume topic {} from stream {} after reconnecting: {}",
          topic, stream, e.toString());
    }
  }

  private void onMessage(Message m) {
    if (closed.get()) {
      quietly(m::nak, "nak");
      return;
    }
    Event event = broker.decode(m);
    if (event == null) {
      quietly(m::term, "term"); // never deliver it again
      return;
    }
    long count = m.metaData().deliveredCount();
    StreamDelivery d = new StreamDelivery(m.getSubject(), event, (int) Math.min(count, Integer.MAX_VALUE), m);
    unsettled.add(d);
    BaseDelivery.dispatch(handler, d);
  }

  @Override
  public String topic() {
    return topic;
  }

  @Override
  public SubscribeOptions options() {
    return options;
  }

  @Override
  public void unsubscribe() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    MessageConsumer consumer;
    synchronized (this) {
      consumer = this.consumer;
    }
    try {
      consumer.stop();
      for (StreamDelivery d : unsettled) {
        d.abandon();
      }
      consumer.close();
    } catch (Exception e) {
      LOG.debug("broker nats: stopping the consumer of topic {}: {}", topic, e.toString());
    }
    try {
      connection.closeDispatcher(dispatcher);
    } catch (IllegalStateException alreadyClosed) {
      // the connection is closed, and the dispatcher with it
    }
    if (ephemeral != null && connection.getStatus() == Connection.Status.CONNECTED) {
      try {
        connection.jetStreamManagement().deleteConsumer(stream, ephemeral);
      } catch (IOException | JetStreamApiException | RuntimeException e) {
        LOG.debug("broker nats: deleting consumer {} of stream {}: {} (the server deletes it after {})",
            ephemeral, stream, e.toString(), EPHEMERAL_TTL);
      }
    }
    broker.forget(this);
  }

  private void quietly(Runnable action, String what) {
    try {
      action.run();
    } catch (RuntimeException e) {
      // the connection is gone: the server delivers the event again after the ack wait
      LOG.debug("broker nats: {} on topic {} failed: {}", what, topic, e.toString());
    }
  }

  /** Settles on JetStream: ack after success, nak for another delivery. */
  private final class StreamDelivery extends BaseDelivery {
    private final Message message;

    StreamDelivery(String subject, Event event, int attempt, Message message) {
      super(broker, subject, event, attempt, options);
      this.message = message;
    }

    @Override
    protected void onAck() {
      unsettled.remove(this);
      quietly(message::ack, "ack of event " + event().id());
    }

    @Override
    protected void onRedeliver() {
      unsettled.remove(this);
      quietly(message::nak, "nak of event " + event().id());
    }

    /** Hands back an event its closing subscriber did not settle. */
    void abandon() {
      if (markSettled()) {
        unsettled.remove(this);
        quietly(message::nak, "nak of abandoned event " + event().id());
      }
    }
  }
}
