package io.micro.plugins.registry.zookeeper;

import io.micro.registry.Registry;
import io.micro.testing.RegistryContract;
import java.time.Duration;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The shared registry contract against an in-JVM ZooKeeper on loopback. */
class ZookeeperRegistryContractTest extends RegistryContract {
  static TestingServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = LoopbackZookeeper.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  @Override
  protected Registry newRegistry() {
    return ZookeeperRegistry.builder()
        .connectString(server.getConnectString())
        .sessionTimeout(Duration.ofSeconds(10))
        .connectionTimeout(Duration.ofSeconds(3))
        .sweepInterval(Duration.ofMillis(200))
        .build();
  }

  @Override
  protected void restartBackend() {
    try {
      server.restart();
    } catch (Exception e) {
      throw new IllegalStateException("restarting ZooKeeper", e);
    }
  }

  @Override
  protected Duration shortTtl() {
    return Duration.ofSeconds(1);
  }

  @Override
  protected Duration settle() {
    return Duration.ofSeconds(3);
  }
}
