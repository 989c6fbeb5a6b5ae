package io.micro.plugins.broker.rabbitmq;

import io.micro.broker.Broker;
import io.micro.testing.BrokerContract;
import io.micro.testing.ExternalServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The broker contract against a real RabbitMQ node started for this class. */
class RabbitMqBrokerContractTest extends BrokerContract {
  private static LoopbackRabbit rabbit;

  @BeforeAll
  static void startRabbit() {
    rabbit = LoopbackRabbit.start();
  }

  @AfterAll
  static void stopRabbit() {
    if (rabbit != null) {
      rabbit.close();
    }
  }

  @Override
  protected Broker newBroker() {
    return RabbitMqBroker.builder().addresses(rabbit.address()).build();
  }

  @Override
  protected boolean durable() {
    return true;
  }

  /** One queue, one consumer, handlers one at a time: publish order is delivery order. */
  @Override
  protected boolean ordered() {
    return true;
  }

  @Override
  protected int maxPayloadSize() {
    return 4 * 1024 * 1024;
  }

  /** A real restart: same port and data directory; the client recovers its topology. */
  @Override
  protected void restartBackend() {
    rabbit.restart();
  }

  @Override
  protected Broker unreachableBroker() {
    return RabbitMqBroker.builder().addresses("127.0.0.1:" + ExternalServer.findFreePort())
        .connectTimeout(Duration.ofSeconds(2)).build();
  }
}
