package io.micro.plugins.broker.mqtt;

import io.micro.broker.Event;
import io.micro.broker.EventHandler;
import io.micro.broker.SubscribeOptions;
import io.micro.broker.Subscription;
import io.micro.broker.spi.BaseDelivery;
import io.micro.broker.spi.GoMicroMessage;
import io.micro.errors.MicroException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscription: its own MQTT connection (so that its messages, PUBACKs and session are its
 * own: MQTT 3.1.1 cannot tell which of a client's subscriptions a message matched), one dispatcher
 * thread that runs the handler on the messages in arrival order, and the redelivery and hand-back
 * logic.
 *
 * <ul>
 *   <li>A message is acknowledged (PUBACK) only once its handler returned, or once it was handed
 *       on: to the group's redelivery topic (a failed or abandoned event of a queue group), or to
 *       the dead-letter topic, in both cases after the server acknowledged that publish.</li>
 *   <li>A failed event of a plain subscriber is redelivered locally, to the same handler, while the
 *       original stays unacknowledged.</li>
 *   <li>Closing stops handler calls at once, unsubscribes, then (for a queue group) hands every
 *       event still arriving or left unacknowledged back to the group, until a marker it publishes
 *       to itself comes back (MQTT delivers a client's messages in order, so nothing older is
 *       still on its way) or the close timeout passed.</li>
 * </ul>
 */
final class MqttSubscription implements Subscription, MqttConnection.Inbox {
  private static final Logger LOG = LoggerFactory.getLogger(MqttSubscription.class);
  /** Carries the attempt number of a redelivered event; removed before the handler sees it. */
  static final String ATTEMPT = "Micro-Mqtt-Attempt";
  private static final Item WAKE = new Item("", 0, -1, false, null, null, 0);

  /** A message from the server, or an event queued again for local redelivery. */
  record Item(String mqttTopic, int messageId, int generation, boolean duplicate, byte @Nullable [] payload,
      @Nullable Event event, int attempt) {}

  private final MqttBroker broker;
  private final String topic;
  private final SubscribeOptions options;
  private final EventHandler handler;
  private final String[] filters;
  private final @Nullable String redeliveryTopic;
  private final String drainTopic;
  private final MqttConnection connection;
  private final BlockingQueue<Item> queue = new LinkedBlockingQueue<>();
  private final Set<MqttDelivery> pending = ConcurrentHashMap.newKeySet();
  private final CountDownLatch finished = new CountDownLatch(1);
  private final Thread dispatcher;
  private volatile boolean closing;
  private volatile boolean handoffReady;
  private volatile boolean awaitingMarker;
  private volatile boolean markerSeen;
  private volatile long closeDeadline;

  MqttSubscription(MqttBroker broker, String topic, EventHandler handler, SubscribeOptions options) {
    this.broker = broker;
    this.topic = topic;
    this.handler = handler;
    this.options = options;
    String queueName = options.queue();
    if (options.hasQueue()) {
      this.redeliveryTopic = Topics.redeliveryTopic(broker.redeliveryPrefix(), queueName, topic);
      this.filters = new String[] {Topics.filter(topic, queueName), Topics.filter(redeliveryTopic, queueName)};
    } else {
      this.redeliveryTopic = null;
      this.filters = new String[] {topic};
    }
    this.connection = broker.openConnection(topic, queueName, this, this::resubscribe);
    this.drainTopic = broker.redeliveryPrefix() + "/drain/" + connection.clientId();
    this.dispatcher = new Thread(this::run, "mqtt-" + (options.hasQueue() ? queueName + "-" : "") + topic);
    dispatcher.setDaemon(true);
  }

  /**
   * Connects and subscribes, then starts the dispatcher.
   *
   * @throws MicroException when the server cannot be reached or refuses the subscription
   */
  void start(Duration timeout) {
    connection.connect(timeout);
    try {
      IMqttToken t = connection.client().subscribe(filters, qos(filters.length));
      t.waitForCompletion(timeout.toMillis());
      checkGranted(t);
    } catch (MqttException | MicroException e) {
      connection.close(timeout);
      if (e instanceof MicroException m) {
        throw m;
      }
      throw MicroException.of(Topics.ERROR_ID, 503, "broker mqtt: subscribing to " + String.join(", ", filters)
          + " failed (" + MqttConnection.describe(e) + ")").withCause(e);
    }
    dispatcher.start();
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
    beginClose();
    awaitClosed();
  }

  /** The client id of this subscription's connection. */
  String clientId() {
    return connection.clientId();
  }

  @Override
  public String toString() {
    return "MqttSubscription[" + String.join(", ", filters) + " as " + connection.clientId() + "]";
  }

  // -------------------------------------------------------------------------------- from the wire

  @Override
  public void arrived(String mqttTopic, MqttMessage message, int generation) {
    queue.add(new Item(mqttTopic, message.getId(), generation, message.isDuplicate(), message.getPayload(),
        null, 0));
  }

  private void resubscribe() {
    try {
      connection.client().subscribe(filters, qos(filters.length), null, new IMqttActionListener() {
        @Override
        public void onSuccess(IMqttToken token) {
          try {
            checkGranted(token);
            LOG.info("broker mqtt: subscription {} restored", String.join(", ", filters));
          } catch (MicroException e) {
            LOG.error(e.getMessage());
          }
        }

        @Override
        public void onFailure(IMqttToken token, Throwable e) {
          LOG.error("broker mqtt: restoring subscription {} failed: {}", String.join(", ", filters),
              MqttConnection.describe(e));
        }
      });
    } catch (MqttException e) {
      LOG.error("broker mqtt: restoring subscription {} failed: {}", String.join(", ", filters),
          MqttConnection.describe(e));
    }
  }

  private void checkGranted(IMqttToken t) {
    int[] granted = t.getGrantedQos();
    for (int i = 0; granted != null && i < granted.length; i++) {
      if (granted[i] == 0x80) {
        throw MicroException.forbidden(Topics.ERROR_ID, "broker mqtt: the server refused the subscription %s "
            + "(expected: granted QoS 1; check the server's ACL)", filters[Math.min(i, filters.length - 1)]);
      }
    }
  }

  // ----------------------------------------------------------------------------------- dispatcher

  private void run() {
    try {
      while (true) {
        Item item = closing ? queue.poll(20, TimeUnit.MILLISECONDS) : queue.take();
        if (item != null && item != WAKE) {
          if (item.mqttTopic().equals(drainTopic)) {
            connection.ack(item.messageId(), item.generation());
            markerSeen = true;
          } else if (closing) {
            release(item);
          } else {
            deliver(item);
          }
          continue;
        }
        if (closing && handoffReady
            && (markerSeen || !awaitingMarker || System.nanoTime() - closeDeadline > 0)) {
          break;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      LOG.error("broker mqtt: dispatcher of {} failed: {}", this, e.toString(), e);
    }
    finish();
  }

  private void deliver(Item item) {
    Event event = item.event();
    int attempt = item.attempt();
    if (event == null) {
      try {
        event = GoMicroMessage.decode(item.payload() == null ? new byte[0] : item.payload());
      } catch (MicroException e) {
        broker.undecodable(item.mqttTopic(), e);
        connection.ack(item.messageId(), item.generation());
        return;
      }
      attempt = 1;
      String counted = event.headers().get(ATTEMPT);
      if (counted != null) {
        attempt = parseAttempt(counted);
        Map<String, String> h = new LinkedHashMap<>(event.headers());
        h.remove(ATTEMPT);
        event = new Event(h, event.body());
      }
      if (item.duplicate()) {
        attempt++; // the server redelivered it after a reconnect: it may have been handled before
      }
    }
    MqttDelivery d = new MqttDelivery(broker, this, event, attempt, options, item);
    if (!options.autoAck()) {
      pending.add(d);
    }
    BaseDelivery.dispatch(handler, d);
  }

  private static int parseAttempt(String v) {
    try {
      return Math.max(1, Integer.parseInt(v.trim()));
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  /** The handler (or a later ack) acknowledged {@code d}. */
  void acknowledge(MqttDelivery d) {
    pending.remove(d);
    connection.ack(d.item().messageId(), d.item().generation());
  }

  /**
   * {@code d} failed and has redeliveries left: a queue group's event goes to the group's
   * redelivery topic (any member may get it), a plain subscriber's is queued again here; the
   * original is acknowledged only once the copy is safe.
   */
  void redeliver(MqttDelivery d) {
    pending.remove(d);
    Item item = d.item();
    if (redeliveryTopic == null) {
      if (closing) {
        LOG.warn("broker mqtt: subscription to {} closed, event {} is not redelivered", topic, d.event().id());
        connection.ack(item.messageId(), item.generation());
      } else {
        queue.add(new Item(item.mqttTopic(), item.messageId(), item.generation(), false, null, d.event(),
            d.attempt() + 1));
      }
      return;
    }
    handBack(d.event(), d.attempt() + 1, item, System.nanoTime() + broker.publishTimeout().toNanos());
  }

  /** Publishes the event to the group's redelivery topic, then acknowledges the original. */
  private void handBack(Event event, int attempt, Item item, long deadline) {
    byte[] payload = GoMicroMessage.encode(new Event(withAttempt(event, attempt), event.body()));
    handBack(payload, event.id(), item, deadline);
  }

  private void handBack(byte[] payload, String id, Item item, long deadline) {
    try {
      broker.publishPayload(redeliveryTopic, payload, deadline);
      connection.ack(item.messageId(), item.generation());
    } catch (RuntimeException e) {
      LOG.error("broker mqtt: event {} of topic {} could not be handed back to queue group {} ({}); left "
          + "unacknowledged, so the server redelivers it only if this client's persistent session resumes",
          id.isEmpty() ? "(no Micro-ID)" : id, topic, options.queue(), e.getMessage());
    }
  }

  private static Map<String, String> withAttempt(Event event, int attempt) {
    Map<String, String> h = new LinkedHashMap<>(event.headers());
    h.put(ATTEMPT, Integer.toString(attempt));
    return h;
  }

  // -------------------------------------------------------------------------------------- closing

  /** Stops handler calls at once and starts handing back; the dispatcher finishes the close. */
  void beginClose() {
    synchronized (this) {
      if (closing) {
        return;
      }
      awaitingMarker = redeliveryTopic != null;
      closeDeadline = System.nanoTime() + broker.closeTimeout().toNanos();
      closing = true;
    }
    long ms = Math.max(1, broker.closeTimeout().toMillis() / 2);
    try {
      if (connection.isConnected()) {
        connection.client().unsubscribe(filters).waitForCompletion(ms);
      }
      if (awaitingMarker && connection.isConnected()) {
        connection.client().subscribe(drainTopic, 1).waitForCompletion(ms);
        connection.client().publish(drainTopic, new byte[0], 1, false);
      } else {
        awaitingMarker = false;
      }
    } catch (MqttException | RuntimeException e) {
      awaitingMarker = false;
      LOG.debug("broker mqtt: unsubscribing {} failed: {}", this, e.toString());
    }
    handoffReady = true;
    queue.add(WAKE);
  }

  /** Waits until the dispatcher finished closing (returns at once on the dispatcher itself). */
  void awaitClosed() {
    if (Thread.currentThread() == dispatcher) {
      return; // a handler closing its own broker: the dispatcher finishes once the handler returned
    }
    try {
      if (!finished.await(broker.closeTimeout().toMillis() + 5000, TimeUnit.MILLISECONDS)) {
        LOG.warn("broker mqtt: {} did not finish closing in time", this);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** An event that arrived while closing: handed back to the group, or (plain) dropped. */
  private void release(Item item) {
    if (redeliveryTopic == null) {
      connection.ack(item.messageId(), item.generation());
      return;
    }
    long deadline = Math.min(closeDeadline, System.nanoTime() + broker.publishTimeout().toNanos());
    if (item.event() != null) {
      handBack(item.event(), item.attempt(), item, deadline);
    } else {
      handBack(item.payload() == null ? new byte[0] : item.payload(), "(not decoded)", item, deadline);
    }
  }

  private void finish() {
    try {
      for (MqttDelivery d : pending) {
        if (d.abandon()) {
          if (redeliveryTopic == null) {
            connection.ack(d.item().messageId(), d.item().generation());
          } else {
            handBack(d.event(), d.attempt() + 1, d.item(), System.nanoTime() + broker.publishTimeout().toNanos());
          }
        }
      }
      pending.clear();
      if (!markerSeen && awaitingMarker) {
        LOG.warn("broker mqtt: {} closed before the server confirmed that nothing more is on its way", this);
      }
      connection.close(broker.closeTimeout());
    } finally {
      broker.removed(this);
      finished.countDown();
    }
  }

  private static int[] qos(int n) {
    int[] q = new int[n];
    java.util.Arrays.fill(q, 1);
    return q;
  }
}
