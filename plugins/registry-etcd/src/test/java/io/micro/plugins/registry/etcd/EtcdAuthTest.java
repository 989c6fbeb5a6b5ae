package io.micro.plugins.registry.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.Auth;
import io.etcd.jetcd.Client;
import io.micro.errors.MicroException;
import io.micro.registry.Node;
import io.micro.registry.Service;
import io.micro.testing.ExternalServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The registry against an etcd with authentication enabled (root user, as etcdctl sets it up). */
class EtcdAuthTest {
  private static ExternalServer etcd;

  @BeforeAll
  static void startEtcdWithAuth() throws Exception {
    etcd = Etcd.start();
    try (Client raw = Etcd.raw(etcd)) {
      Auth auth = raw.getAuthClient();
      auth.roleAdd(Etcd.bytes("root")).get(5, TimeUnit.SECONDS);
      auth.userAdd(Etcd.bytes("root"), Etcd.bytes("s3cret")).get(5, TimeUnit.SECONDS);
      auth.userGrantRole(Etcd.bytes("root"), Etcd.bytes("root")).get(5, TimeUnit.SECONDS);
      auth.authEnable().get(5, TimeUnit.SECONDS);
    }
  }

  @AfterAll
  static void stopEtcd() {
    if (etcd != null) {
      etcd.close();
    }
  }

  @Test
  void theRightCredentialsRegisterAndFind() {
    try (EtcdRegistry registry = EtcdRegistry.builder().addresses(etcd.address())
        .auth("root", "s3cret").build()) {
      Service svc = new Service("auth.greeter", "1", Map.of(), List.of(),
          List.of(Node.of("auth-1", "127.0.0.1:9000")));
      registry.register(svc, Duration.ofMinutes(1));
      assertThat(registry.getService("auth.greeter")).singleElement()
          .satisfies(s -> assertThat(s.nodes()).extracting(Node::id).containsExactly("auth-1"));
    }
  }

  @Test
  void aWrongPasswordFailsTheBuildNamingTheAddress() {
    assertThatThrownBy(() -> EtcdRegistry.builder().addresses(etcd.address()).auth("root", "nope")
        .dialTimeout(Duration.ofSeconds(3)).build())
        .isInstanceOf(MicroException.class)
        .hasMessageContaining("cannot use etcd at " + etcd.address())
        .hasMessageContaining("authentication failed");
  }
}
