package io.micro.plugins.broker.redis;

import io.lettuce.core.RedisException;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.micro.broker.Event;
import io.micro.broker.EventHandler;
import io.micro.broker.SubscribeOptions;
import io.micro.broker.spi.GoMicroMessage;
import io.micro.errors.MicroException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plain subscriptions of one broker, on one pub/sub connection: one {@code SUBSCRIBE} per
 * topic, whatever the number of local subscribers, each message decoded once and handed to every
 * subscriber's own thread. Lettuce re-subscribes the channels after a reconnect. Thread-safe.
 */
final class Channels extends RedisPubSubAdapter<byte[], byte[]> {
  private static final Logger LOG = LoggerFactory.getLogger(Channels.class);

  private final RedisBroker broker;
  private final StatefulRedisPubSubConnection<byte[], byte[]> connection;
  private final Map<String, List<ChannelSubscription>> byTopic = new ConcurrentHashMap<>();
  private final Object lock = new Object();

  Channels(RedisBroker broker, StatefulRedisPubSubConnection<byte[], byte[]> connection) {
    this.broker = broker;
    this.connection = connection;
    connection.addListener(this);
  }

  ChannelSubscription subscribe(String topic, EventHandler handler, SubscribeOptions options) {
    ChannelSubscription s = new ChannelSubscription(broker, this, topic, handler, options);
    synchronized (lock) {
      List<ChannelSubscription> subs = byTopic.get(topic);
      if (subs == null) {
        try {
          connection.sync().subscribe(topic.getBytes(StandardCharsets.UTF_8));
        } catch (RedisException e) {
          s.stop();
          throw MicroException.of(RedisBroker.ERROR_ID, 503, "broker redis: cannot subscribe to channel "
              + topic + " on " + broker.address() + " (" + e.getMessage() + ")").withCause(e);
        }
        subs = new CopyOnWriteArrayList<>();
        byTopic.put(topic, subs);
      }
      subs.add(s);
    }
    return s;
  }

  void remove(ChannelSubscription s) {
    synchronized (lock) {
      List<ChannelSubscription> subs = byTopic.get(s.topic());
      if (subs == null || !subs.remove(s) || !subs.isEmpty()) {
        return;
      }
      byTopic.remove(s.topic());
      try {
        connection.sync().unsubscribe(s.topic().getBytes(StandardCharsets.UTF_8));
      } catch (RedisException e) {
        // the channel stays subscribed on Redis until reconnect; nobody here hears it any more
        LOG.debug("broker redis: UNSUBSCRIBE {} failed: {}", s.topic(), e.toString());
      }
    }
  }

  void close() {
    synchronized (lock) {
      for (List<ChannelSubscription> subs : byTopic.values()) {
        subs.forEach(ChannelSubscription::stop);
      }
      byTopic.clear();
    }
    connection.close();
  }

  /** Runs on a Lettuce I/O thread: decode once, queue to each subscriber, never block. */
  @Override
  public void message(byte[] channel, byte[] message) {
    String topic = new String(channel, StandardCharsets.UTF_8);
    List<ChannelSubscription> subs = byTopic.get(topic);
    if (subs == null || subs.isEmpty()) {
      return;
    }
    Event event;
    try {
      event = GoMicroMessage.decode(message);
    } catch (MicroException e) {
      long n = broker.countUndecodable();
      LOG.warn("broker redis: dropped an undecodable message on channel {} ({} so far, {} bytes): {}",
          topic, n, message.length, e.detail());
      return;
    }
    for (ChannelSubscription s : subs) {
      s.offer(event);
    }
  }
}
