package io.micro.plugins.registry.consul;

import io.micro.registry.Registry;
import io.micro.testing.RegistryContract;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The registry contract for {@link ConsulRegistry}, run against {@link FakeConsul} — <b>a fake of
 * the Consul agent's HTTP API, not a real Consul</b> (none can be installed on our machines; see
 * the fake's Javadoc for what it implements and how strictly). TTL checks expire in real time, and
 * the restart test restarts the fake as a dev agent would restart: with its catalog lost.
 */
class ConsulRegistryContractTest extends RegistryContract {
  private static FakeConsul consul;

  @BeforeAll
  static void startConsul() {
    consul = FakeConsul.start();
  }

  @AfterAll
  static void stopConsul() {
    consul.close();
  }

  @Override
  protected Registry newRegistry() {
    return ConsulRegistry.builder().addresses(consul.address()).watchWait(Duration.ofSeconds(5)).build();
  }

  @Override
  protected void restartBackend() {
    consul.restart(false);
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
