package io.micro.plugins.registry.etcd;

import io.micro.registry.Registry;
import io.micro.testing.ExternalServer;
import io.micro.testing.RegistryContract;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The registry contract against a real etcd started for this class. */
class EtcdRegistryContractTest extends RegistryContract {
  private static ExternalServer etcd;

  @BeforeAll
  static void startEtcd() {
    etcd = Etcd.start();
  }

  @AfterAll
  static void stopEtcd() {
    if (etcd != null) {
      etcd.close();
    }
  }

  @Override
  protected Registry newRegistry() {
    return EtcdRegistry.builder().addresses(etcd.address()).build();
  }

  /** A real restart: same port, same data directory, so leases and keys survive it. */
  @Override
  protected void restartBackend() {
    etcd.restart();
  }

  /** etcd's minimum lease TTL with default raft timings is 2 s (a 1 s grant is raised to 2 s). */
  @Override
  protected Duration shortTtl() {
    return Duration.ofSeconds(2);
  }
}
