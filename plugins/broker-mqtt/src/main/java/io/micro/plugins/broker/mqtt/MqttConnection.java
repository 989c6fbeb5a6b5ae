package io.micro.plugins.broker.mqtt;

import io.micro.errors.MicroException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MQTT connection (one Paho client, one client id) that reconnects by itself.
 *
 * <p>Paho's own automatic reconnect is not used: in Paho 1.2.5 its backoff delay is a static field
 * shared by every client in the JVM. Instead, when the connection is lost this class reconnects on
 * the broker's scheduler with its own exponential backoff (100 ms doubling up to the configured
 * maximum, with jitter) and then runs {@code onReconnect} (which restores subscriptions). Every
 * loss of the connection increments {@link #generation()}, so that acknowledgements of messages
 * received on an earlier connection are not sent on a later one, where the packet id may name a
 * different message.
 *
 * <p>Thread-safe. Callbacks run on Paho's callback thread and must not block on this client.
 */
final class MqttConnection implements MqttCallback {
  private static final Logger LOG = LoggerFactory.getLogger(MqttConnection.class);
  private static final long FIRST_BACKOFF_MS = 100;

  /** Receives the messages of a subscribing connection. */
  interface Inbox {
    /** A message arrived on {@code topic} over connection {@code generation}; must not throw. */
    void arrived(String topic, MqttMessage message, int generation);
  }

  private final String address;
  private final MqttAsyncClient client;
  private final MqttConnectOptions options;
  private final ScheduledExecutorService scheduler;
  private final long maxBackoffMs;
  private final @Nullable Inbox inbox;
  private final Runnable onReconnect;
  private final AtomicInteger generation = new AtomicInteger();
  private final Object connectedSignal = new Object();
  private final AtomicInteger failures = new AtomicInteger();
  private volatile boolean closed;

  MqttConnection(String[] uris, String clientId, MqttConnectOptions options, ScheduledExecutorService scheduler,
      Duration maxBackoff, @Nullable Inbox inbox, Runnable onReconnect) {
    this.address = String.join(",", uris);
    this.options = options;
    this.scheduler = scheduler;
    this.maxBackoffMs = Math.max(FIRST_BACKOFF_MS, maxBackoff.toMillis());
    this.inbox = inbox;
    this.onReconnect = onReconnect;
    try {
      // MemoryPersistence: Paho's default writes files into the working directory
      this.client = new MqttAsyncClient(uris[0], clientId, new MemoryPersistence());
    } catch (MqttException | IllegalArgumentException e) {
      throw new IllegalArgumentException("broker mqtt: client id '" + clientId + "' or address " + address
          + " refused by Paho: " + e.getMessage(), e);
    }
    client.setCallback(this);
    client.setManualAcks(inbox != null);
  }

  /** The Paho client, for publishing and subscribing. */
  MqttAsyncClient client() {
    return client;
  }

  /** The client id. */
  String clientId() {
    return client.getClientId();
  }

  /** Counts connection losses: messages carry the generation they arrived on. */
  int generation() {
    return generation.get();
  }

  boolean isConnected() {
    return client.isConnected();
  }

  /**
   * Connects, waiting at most {@code timeout}.
   *
   * @throws MicroException (503) naming the broker and the address when the server cannot be reached
   */
  void connect(Duration timeout) {
    try {
      client.connect(options).waitForCompletion(timeout.toMillis());
    } catch (MqttException e) {
      closeQuietly();
      throw MicroException.of(Topics.ERROR_ID, 503, "broker mqtt: cannot connect to " + address + " as "
          + clientId() + " (" + describe(e) + ")").withCause(e);
    }
  }

  /**
   * Waits until connected, the connection is closed or {@code deadlineNanos} (of
   * {@link System#nanoTime()}) passed. True when connected.
   */
  boolean awaitConnected(long deadlineNanos) {
    synchronized (connectedSignal) {
      while (!client.isConnected() && !closed) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
        if (left <= 0) {
          break;
        }
        try {
          connectedSignal.wait(Math.min(left, 50));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    return client.isConnected();
  }

  /**
   * Acknowledges (PUBACK) message {@code messageId} received over connection {@code gen}; a
   * message from an earlier connection is not acknowledged (the server redelivers it, or forgot it
   * with a clean session).
   */
  void ack(int messageId, int gen) {
    if (gen != generation.get() || !client.isConnected()) {
      LOG.debug("broker mqtt: not acknowledging message {} of {}: its connection is gone", messageId, clientId());
      return;
    }
    try {
      client.messageArrivedComplete(messageId, 1);
    } catch (MqttException | RuntimeException e) {
      LOG.debug("broker mqtt: acknowledging message {} of {} failed: {}", messageId, clientId(), e.toString());
    }
  }

  /** Disconnects (waiting at most {@code timeout}) and releases the client. Idempotent. */
  void close(Duration timeout) {
    closed = true;
    synchronized (connectedSignal) {
      connectedSignal.notifyAll();
    }
    try {
      if (client.isConnected()) {
        client.disconnect(0).waitForCompletion(timeout.toMillis());
      }
    } catch (MqttException | RuntimeException e) {
      LOG.debug("broker mqtt: disconnecting {} failed: {}", clientId(), e.toString());
    }
    closeQuietly();
  }

  private void closeQuietly() {
    try {
      client.close(true);
    } catch (MqttException | RuntimeException e) {
      LOG.debug("broker mqtt: closing client {} failed: {}", clientId(), e.toString());
    }
  }

  // ------------------------------------------------------------------------------- Paho callbacks

  @Override
  public void connectionLost(Throwable cause) {
    generation.incrementAndGet();
    if (closed) {
      return;
    }
    LOG.warn("broker mqtt: connection of {} to {} lost ({}), reconnecting", clientId(), address, describe(cause));
    scheduleReconnect();
  }

  @Override
  public void messageArrived(String topic, MqttMessage message) {
    // Paho drops the connection when this throws: never let it
    try {
      if (inbox != null) {
        inbox.arrived(topic, message, generation.get());
      }
    } catch (RuntimeException | Error e) {
      LOG.error("broker mqtt: message on topic {} could not be queued for delivery: {}", topic, e.toString(), e);
    }
  }

  @Override
  public void deliveryComplete(IMqttDeliveryToken token) {
    // publishers wait on their tokens
  }

  // ------------------------------------------------------------------------------------ reconnect

  private void scheduleReconnect() {
    int n = Math.min(failures.get(), 20);
    long backoff = Math.min(maxBackoffMs, FIRST_BACKOFF_MS << n);
    long delay = backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
    try {
      scheduler.schedule(this::reconnect, delay, TimeUnit.MILLISECONDS);
    } catch (RuntimeException rejected) {
      LOG.debug("broker mqtt: not reconnecting {}: the broker is closing", clientId());
    }
  }

  private void reconnect() {
    if (closed || client.isConnected()) {
      return;
    }
    try {
      client.connect(options, null, new IMqttActionListener() {
        @Override
        public void onSuccess(IMqttToken token) {
          failures.set(0);
          LOG.info("broker mqtt: {} reconnected to {}", clientId(), client.getCurrentServerURI());
          synchronized (connectedSignal) {
            connectedSignal.notifyAll();
          }
          if (closed) {
            return;
          }
          try {
            onReconnect.run();
          } catch (RuntimeException e) {
            LOG.error("broker mqtt: restoring {} after reconnecting failed: {}", clientId(), e.toString(), e);
          }
        }

        @Override
        public void onFailure(IMqttToken token, Throwable e) {
          int n = failures.incrementAndGet();
          if (n == 1 || n % 10 == 0) {
            LOG.warn("broker mqtt: {} cannot reconnect to {} ({} attempts so far): {}", clientId(), address, n,
                describe(e));
          }
          scheduleReconnect();
        }
      });
    } catch (MqttException | RuntimeException e) {
      // e.g. a connect already in progress, or the client closing: try again later unless closed
      failures.incrementAndGet();
      if (!closed) {
        scheduleReconnect();
      }
    }
  }

  /** Paho's message plus the cause's, e.g. "Unable to connect to server (Connection refused)". */
  static String describe(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    Throwable c = e.getCause();
    if (c != null && c.getMessage() != null && !m.contains(c.getMessage())) {
      m = m + " (" + c.getMessage() + ")";
    }
    return m;
  }
}
