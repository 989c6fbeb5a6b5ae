package io.micro.broker;

import java.util.concurrent.CompletableFuture;

/**
 * Publish/subscribe messaging: the asynchronous half of Micro (go-micro's {@code broker.Broker}).
 *
 * <pre>{@code
 * Broker broker = plugins.broker("http", new BrokerProvider.Config(List.of(), registry, 4 << 20));
 * broker.connect();
 * Subscription sub = broker.subscribe("orders", delivery -> {
 *   process(delivery.event().body());          // throw to signal failure
 * }, SubscribeOptions.builder().queue("billing").build());
 * broker.publish("orders", Event.of(Map.of("Content-Type", "application/json"), bytes));
 * sub.unsubscribe();
 * broker.close();
 * }</pre>
 *
 * <h2>Delivery guarantees</h2>
 * Every broker delivers a published event to <b>every plain subscriber</b> of the topic (no queue)
 * and to <b>exactly one member of each queue group</b> ({@link SubscribeOptions#queue()}). What
 * happens when a handler fails depends on the backend, which says so in {@link #durable()}:
 * <ul>
 *   <li><b>Durable</b> backends (Kafka, RabbitMQ, NATS JetStream, Redis Streams, the in-process
 *       {@code memory} broker) acknowledge an event only after the handler returned (or, with
 *       {@link SubscribeOptions#autoAck()} off, when the handler calls {@link Delivery#ack()}). A
 *       handler that throws, calls {@link Delivery#nack()}, or whose subscriber dies before
 *       acknowledging gets the event again, up to {@link SubscribeOptions#maxRedeliveries()}; then
 *       the event is published to {@link SubscribeOptions#deadLetterTopic()} when one is configured,
 *       else logged at ERROR and dropped. At-least-once: handlers must tolerate duplicates.</li>
 *   <li><b>Non-durable</b> backends (the HTTP broker, NATS core, Redis pub/sub, MQTT) deliver at
 *       most once to a subscriber that is there; a failing handler is logged and the event is not
 *       redelivered by the backend (the HTTP broker answers 500, so a Java publisher retries it a
 *       bounded number of times).</li>
 * </ul>
 * Every failure is logged with the topic and the event id ({@link Event#id()}).
 *
 * <h2>Lifecycle and threading</h2>
 * {@link #connect()} is idempotent; {@link #publish} and {@link #subscribe} connect first when not
 * connected. A broker lost while running reconnects with backoff and restores its subscriptions.
 * {@link #close()} unsubscribes everything and is final. Implementations are safe for concurrent
 * use; handlers run on threads owned by the broker, possibly concurrently for different events.
 */
public interface Broker extends AutoCloseable {

  /** The name this broker is selected by, lower case, e.g. {@code http}, {@code nats}. */
  String name();

  /**
   * Where the broker is: the listening {@code host:port} of the HTTP broker (valid once connected),
   * the backend address(es) of the others, comma-separated.
   */
  String address();

  /**
   * Connects to the backend (the HTTP broker: starts listening). Idempotent.
   *
   * @throws io.micro.errors.MicroException (503) naming the broker and the address when the
   *     backend cannot be reached, e.g. {@code "broker nats: cannot connect to 127.0.0.1:4222
   *     (Connection refused)"}
   * @throws IllegalStateException when closed
   */
  void connect();

  /**
   * Publishes {@code event} on {@code topic}. Returns once the broker has accepted the event: the
   * backend acknowledged it (durable backends), it was written to the connection (NATS core, Redis
   * pub/sub) or it was queued for delivery (the HTTP broker, which delivers asynchronously and
   * reports delivery failures through its failure handler and log). Never silently drops.
   *
   * @throws io.micro.errors.MicroException when the event cannot be accepted: backend unreachable
   *     after retrying (503), event larger than the limit (413), outbound queue full (503)
   * @throws IllegalStateException when closed
   */
  void publish(String topic, Event event);

  /**
   * Publishes asynchronously: the future completes when the event was delivered (HTTP broker:
   * every target answered 2xx) or confirmed by the backend, and fails with a
   * {@link io.micro.errors.MicroException} saying why it was not. The default runs
   * {@link #publish} on the calling thread.
   */
  default CompletableFuture<Void> publishAsync(String topic, Event event) {
    try {
      publish(topic, event);
      return CompletableFuture.completedFuture(null);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Subscribes {@code handler} to {@code topic}. Events published after this returns are delivered
   * (durable queue groups also get what was retained before). The handler runs on a broker thread.
   *
   * @throws io.micro.errors.MicroException when the backend refuses or cannot be reached
   * @throws IllegalStateException when closed
   */
  Subscription subscribe(String topic, EventHandler handler, SubscribeOptions options);

  /** Subscribes with {@link SubscribeOptions#DEFAULT}: every event, acknowledged automatically. */
  default Subscription subscribe(String topic, EventHandler handler) {
    return subscribe(topic, handler, SubscribeOptions.DEFAULT);
  }

  /**
   * True when the backend redelivers events whose handler failed or whose subscriber died before
   * acknowledging (see the class comment).
   */
  boolean durable();

  /**
   * Unsubscribes everything, disconnects and releases the broker's threads. Idempotent; events
   * being handled may finish. A durable backend redelivers unacknowledged events to other members.
   */
  @Override
  void close();
}
