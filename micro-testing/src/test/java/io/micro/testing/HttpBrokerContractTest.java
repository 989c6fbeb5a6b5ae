package io.micro.testing;

import io.micro.broker.Broker;
import io.micro.broker.http.HttpBroker;
import io.micro.registry.memory.MemoryRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;

/** The HTTP broker against the contract; brokers find each other in one memory registry. */
class HttpBrokerContractTest extends BrokerContract {
  private final MemoryRegistry registry = MemoryRegistry.create();
  private ServerSocket occupied;

  @Override
  protected Broker newBroker() {
    return HttpBroker.builder().registry(registry).cacheTtl(Duration.ofMillis(200))
        .registerInterval(Duration.ofMillis(300)).build();
  }

  /** The HTTP broker's backend is the registry: a restart loses every subscriber registration. */
  @Override
  protected void restartBackend() {
    for (io.micro.registry.Service s : registry.getService(HttpBroker.SERVICE)) {
      registry.deregister(s);
    }
  }

  @Override
  protected Broker unreachableBroker() {
    try {
      occupied = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return HttpBroker.builder().registry(registry).address("127.0.0.1:" + occupied.getLocalPort()).build();
  }

  @AfterEach
  void release() throws IOException {
    if (occupied != null) {
      occupied.close();
    }
    registry.close();
  }
}
