package io.micro.plugins.broker.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.micro.testing.ExternalServer;
import java.time.Duration;
import java.util.List;

/** A private redis-server for tests, on 127.0.0.1 with a free port, no persistence, plus raw access. */
final class Redis {
  private Redis() {}

  /** Starts {@code redis-server} (Debian package redis-server), or skips the test when it is missing. */
  static ExternalServer start() {
    return ExternalServer.builder("redis-server", "redis-server")
        .command(s -> List.of(s.binary(), "--bind", "127.0.0.1", "--port", Integer.toString(s.port()),
            "--save", "", "--appendonly", "no", "--dir", s.dataDir().toString()))
        .start();
  }

  /** A broker on {@code redis} with short claim and redelivery times, so tests run quickly. */
  static RedisBroker.Builder broker(ExternalServer redis) {
    return RedisBroker.builder()
        .address(redis.address())
        .claimIdle(Duration.ofSeconds(2))
        .redeliveryDelay(Duration.ofMillis(100))
        .timeout(Duration.ofSeconds(5));
  }

  /** A plain Lettuce client of {@code redis}, to look behind the broker's back; shut it down. */
  static RedisClient raw(ExternalServer redis) {
    return RedisClient.create(RedisURI.create("127.0.0.1", redis.port()));
  }
}
