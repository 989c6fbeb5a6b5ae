package io.micro.plugins.broker.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.LongString;
import io.micro.broker.Event;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What an event looks like on RabbitMQ (go-micro's rabbitmq broker): routing key = topic, AMQP
 * headers = event headers as long strings, AMQP body = the raw event body. Two private headers
 * travel only on copies this broker puts back into a queue for another attempt; they are removed
 * before a handler sees the event.
 */
final class Wire {
  /** How many failed deliveries a requeued copy has behind it (our counter, classic queues). */
  static final String REDELIVERIES = "x-micro-redeliveries";
  /** The routing key (topic) of the original publish, kept on requeued copies. */
  static final String ROUTING_KEY = "x-micro-routing-key";
  /** The delivery counter of quorum queues, set by the server on redelivery. */
  static final String DELIVERY_COUNT = "x-delivery-count";

  private static final int PERSISTENT = 2;
  private static final int TRANSIENT = 1;

  private Wire() {}

  /** The AMQP properties of {@code event}: its headers, plus content type and message id. */
  static AMQP.BasicProperties properties(Event event, boolean persistent) {
    Map<String, Object> headers = new HashMap<>(event.headers().size() * 2);
    headers.putAll(event.headers());
    return new AMQP.BasicProperties.Builder()
        .headers(headers)
        .contentType(shortString(event.header(Event.CONTENT_TYPE)))
        .messageId(shortString(event.header(Event.ID)))
        .deliveryMode(persistent ? PERSISTENT : TRANSIENT)
        .build();
  }

  /**
   * The event carried by a delivery: every AMQP header as text (Go writes strings; other types are
   * printed), without this broker's private headers, with {@code Micro-Topic} set to the topic when
   * the publisher left it out (as go-micro does).
   */
  static Event event(String topic, AMQP.BasicProperties props, byte[] body) {
    Map<String, Object> raw = props.getHeaders();
    Map<String, String> headers = new LinkedHashMap<>(raw == null ? 4 : raw.size() * 2);
    if (raw != null) {
      for (Map.Entry<String, Object> e : raw.entrySet()) {
        String k = e.getKey();
        if (k.equals(REDELIVERIES) || k.equals(ROUTING_KEY) || k.equals(DELIVERY_COUNT)) {
          continue;
        }
        headers.put(k, text(e.getValue()));
      }
    }
    if (topicHeader(headers) == null) {
      headers.put(Event.TOPIC, topic);
    }
    return new Event(headers, body);
  }

  /** The topic of a delivery: the original routing key of a requeued copy, else the routing key. */
  static String topic(Envelope envelope, AMQP.BasicProperties props) {
    Object original = header(props, ROUTING_KEY);
    return original != null ? text(original) : envelope.getRoutingKey();
  }

  /**
   * Which delivery this is (1 = first): one more than the server's delivery count (quorum queues)
   * or our own counter of requeued copies, and at least 2 when the server marks it redelivered.
   */
  static int attempt(Envelope envelope, AMQP.BasicProperties props) {
    long failed = Math.max(number(header(props, REDELIVERIES)), number(header(props, DELIVERY_COUNT)));
    long attempt = 1 + failed;
    if (envelope.isRedeliver() && attempt < 2) {
      attempt = 2;
    }
    return (int) Math.min(Integer.MAX_VALUE, attempt);
  }

  /** A copy of {@code props} that says {@code failed} deliveries failed and keeps the topic. */
  static AMQP.BasicProperties requeued(AMQP.BasicProperties props, String topic, int failed) {
    Map<String, Object> headers = props.getHeaders() == null ? new HashMap<>() : new HashMap<>(props.getHeaders());
    headers.remove(DELIVERY_COUNT);
    headers.put(REDELIVERIES, failed);
    headers.putIfAbsent(ROUTING_KEY, topic);
    return props.builder().headers(headers).build();
  }

  /** The value when it fits an AMQP short string (255 bytes), else null: it stays in the headers. */
  private static @Nullable String shortString(@Nullable String value) {
    if (value == null) {
      return null;
    }
    // up to 85 chars always fit (3 bytes each at most); longer ones are measured
    return value.length() <= 85 || value.getBytes(StandardCharsets.UTF_8).length <= 255 ? value : null;
  }

  static String text(@Nullable Object value) {
    if (value == null) {
      return "";
    }
    if (value instanceof LongString s) {
      return s.toString();
    }
    if (value instanceof byte[] b) {
      return new String(b, StandardCharsets.UTF_8);
    }
    return value.toString();
  }

  private static @Nullable String topicHeader(Map<String, String> headers) {
    String v = headers.get(Event.TOPIC);
    if (v != null) {
      return v;
    }
    for (Map.Entry<String, String> e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase(Event.TOPIC)) {
        return e.getValue();
      }
    }
    return null;
  }

  private static @Nullable Object header(AMQP.BasicProperties props, String name) {
    Map<String, Object> h = props.getHeaders();
    return h == null ? null : h.get(name);
  }

  private static long number(@Nullable Object value) {
    if (value instanceof Number n) {
      return Math.max(0, n.longValue());
    }
    if (value != null) {
      try {
        return Math.max(0, Long.parseLong(text(value).strip()));
      } catch (NumberFormatException ignored) {
        return 0;
      }
    }
    return 0;
  }
}
