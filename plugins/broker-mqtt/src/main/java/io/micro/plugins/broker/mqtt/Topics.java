package io.micro.plugins.broker.mqtt;

import io.micro.errors.MicroException;
import java.nio.charset.StandardCharsets;

/**
 * How go-micro topics and queue groups map onto MQTT topic names and filters.
 *
 * <p>A go-micro topic ({@code go.micro.srv.greeter}, dots and all) is used unchanged as the MQTT
 * topic name, as go-micro's own MQTT plugin does, so Go and Java publishers and subscribers meet on
 * the same topic. A {@code /} in a topic is an MQTT level separator and is kept. What cannot be
 * mapped is refused with a 400 naming the topic: the MQTT wildcards {@code +} and {@code #} (a
 * go-micro topic names one topic; escaping them would silently miss every Go subscriber), a leading
 * {@code $} (reserved for the server: {@code $SYS}, {@code $share}), NUL, and names longer than
 * MQTT's 65 535 bytes.
 *
 * <p>A queue group {@code g} on topic {@code t} is the shared subscription {@code $share/g/t}; group
 * names may not contain {@code /}, {@code +} or {@code #} (MQTT's rule for share names). Redelivered
 * events of a group travel on {@code <prefix>/g/t}, subscribed as {@code $share/g/<prefix>/g/t} by
 * every member of the group, so that exactly one member gets each of them.
 */
final class Topics {
  static final String ERROR_ID = "go.micro.broker";
  private static final int MAX_TOPIC_BYTES = 65_535;

  private Topics() {}

  /** Returns {@code topic} when MQTT can carry it as a topic name, else throws a 400 saying why. */
  static String checkTopic(String topic) {
    if (topic.isEmpty()) {
      throw MicroException.badRequest(ERROR_ID, "broker mqtt: topic '' (expected: a non-empty topic name)");
    }
    for (int i = 0; i < topic.length(); i++) {
      char c = topic.charAt(i);
      if (c == '+' || c == '#') {
        throw MicroException.badRequest(ERROR_ID, "broker mqtt: topic '%s' contains the MQTT wildcard '%c' "
            + "(expected: a topic name without '+' or '#'; wildcard subscriptions are not supported)", topic, c);
      }
      if (c == '\u0000') {
        throw MicroException.badRequest(ERROR_ID, "broker mqtt: topic '%s' contains NUL (expected: no NUL)",
            topic.replace('\u0000', '?'));
      }
    }
    if (topic.charAt(0) == '$') {
      throw MicroException.badRequest(ERROR_ID, "broker mqtt: topic '%s' starts with '$' (expected: a topic "
          + "not starting with '$', which MQTT reserves for the server)", topic);
    }
    int bytes = topic.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_TOPIC_BYTES) {
      throw MicroException.badRequest(ERROR_ID, "broker mqtt: topic of %d bytes (expected: <= %d)",
          bytes, MAX_TOPIC_BYTES);
    }
    return topic;
  }

  /** Returns {@code queue} when it can name an MQTT shared subscription, else throws a 400. */
  static String checkQueue(String queue) {
    for (int i = 0; i < queue.length(); i++) {
      char c = queue.charAt(i);
      if (c == '/' || c == '+' || c == '#' || c == '\u0000') {
        throw MicroException.badRequest(ERROR_ID, "broker mqtt: queue group '%s' contains '%c' (expected: a "
            + "name without '/', '+', '#' or NUL, MQTT's rule for shared subscription names)", queue,
            c == '\u0000' ? '?' : c);
      }
    }
    return queue;
  }

  /** The subscription filter: {@code topic}, or {@code $share/<queue>/<topic>} for a group. */
  static String filter(String topic, String queue) {
    return queue.isEmpty() ? topic : "$share/" + queue + "/" + topic;
  }

  /** The topic a group's redelivered events are published on: {@code <prefix>/<queue>/<topic>}. */
  static String redeliveryTopic(String prefix, String queue, String topic) {
    return prefix + "/" + queue + "/" + topic;
  }
}
