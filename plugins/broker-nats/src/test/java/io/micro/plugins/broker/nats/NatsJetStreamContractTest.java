package io.micro.plugins.broker.nats;

import io.micro.broker.Broker;
import io.micro.testing.BrokerContract;
import io.micro.testing.ExternalServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The broker contract in JetStream mode (durable: redelivery, dead letters, the 10 000-event kill
 * test), against a real nats-server with JetStream for this class. The ack wait is 5 s so that
 * events held by the killed subscriber come back within the test's bound.
 */
class NatsJetStreamContractTest extends BrokerContract {
  private static ExternalServer nats;

  @BeforeAll
  static void startNats() {
    nats = NatsServer.start();
  }

  @AfterAll
  static void stopNats() {
    if (nats != null) {
      nats.close();
    }
  }

  @Override
  protected Broker newBroker() {
    return NatsBroker.builder().addresses(nats.address()).jetStream(true)
        .ackWait(Duration.ofSeconds(5)).maxReconnectWait(Duration.ofMillis(500)).build();
  }

  @Override
  protected boolean durable() {
    return true;
  }

  /** A stream keeps a subject's order and one subscriber handles it one event at a time. */
  @Override
  protected boolean ordered() {
    return true;
  }

  @Override
  protected int maxPayloadSize() {
    return 4 * 1024 * 1024;
  }

  /** A real restart on the same port and store: streams and durable consumers survive it. */
  @Override
  protected void restartBackend() {
    nats.restart();
  }

  @Override
  protected Broker unreachableBroker() {
    return NatsBroker.builder().addresses("127.0.0.1:" + ExternalServer.findFreePort()).jetStream(true)
        .connectTimeout(Duration.ofSeconds(1)).build();
  }
}
