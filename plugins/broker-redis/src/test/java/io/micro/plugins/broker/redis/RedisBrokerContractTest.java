package io.micro.plugins.broker.redis;

import io.micro.broker.Broker;
import io.micro.testing.BrokerContract;
import io.micro.testing.ExternalServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The broker contract against a real redis-server: durable (queue groups are consumer groups on
 * streams, including the 10 000-event kill test), ordered within one member, restartable.
 */
class RedisBrokerContractTest extends BrokerContract {
  private static ExternalServer redis;

  @BeforeAll
  static void startRedis() {
    redis = Redis.start();
  }

  @AfterAll
  static void stopRedis() {
    if (redis != null) {
      redis.close();
    }
  }

  @Override
  protected Broker newBroker() {
    return Redis.broker(redis).build();
  }

  @Override
  protected boolean durable() {
    return true;
  }

  @Override
  protected boolean ordered() {
    return true;
  }

  @Override
  protected void restartBackend() {
    redis.restart();
  }

  @Override
  protected Broker unreachableBroker() {
    return RedisBroker.builder()
        .address("127.0.0.1:" + ExternalServer.findFreePort())
        .timeout(Duration.ofSeconds(2))
        .build();
  }
}
