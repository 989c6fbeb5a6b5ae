package io.micro.plugins.broker.nats;

import io.micro.broker.Broker;
import io.micro.testing.BrokerContract;
import io.micro.testing.ExternalServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The broker contract on core NATS (go-micro's mode), against a real nats-server for this class. */
class NatsBrokerContractTest extends BrokerContract {
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
    return NatsBroker.builder().addresses(nats.address()).maxReconnectWait(Duration.ofMillis(500)).build();
  }

  /** One connection delivers a subject in order to one subscriber's dispatcher. */
  @Override
  protected boolean ordered() {
    return true;
  }

  /** The default 4 MiB: the test server's max_payload is 8 MiB, room for the base64 envelope. */
  @Override
  protected int maxPayloadSize() {
    return 4 * 1024 * 1024;
  }

  /** A real restart on the same port. */
  @Override
  protected void restartBackend() {
    nats.restart();
  }

  @Override
  protected Broker unreachableBroker() {
    return NatsBroker.builder().addresses("127.0.0.1:" + ExternalServer.findFreePort())
        .connectTimeout(Duration.ofSeconds(1)).build();
  }
}
