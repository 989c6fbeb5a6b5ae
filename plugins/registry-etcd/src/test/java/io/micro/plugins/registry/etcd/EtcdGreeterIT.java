package io.micro.plugins.registry.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.micro.Service;
import io.micro.testing.ExternalServer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * End to end: a greeter server and a client, two {@link Service}s chosen by flags {@code
 * --registry=etcd --registry_address=...}, find each other through a real etcd.
 */
class EtcdGreeterIT {
  private static ExternalServer etcd;

  record Request(String name) {}

  record Response(String msg) {}

  /** The greeter handler: Say.Hello. */
  public static final class Say {
    public Response hello(Request request) {
      return new Response("Hello " + request.name());
    }
  }

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

  @Test
  void aClientCallsTheGreeterItFoundInEtcd() throws Exception {
    String[] flags = {"--registry=etcd", "--registry_address=" + etcd.address()};
    String prefix = "/micro/registry/go.micro.srv.greeter/";
    try (Client raw = Etcd.raw(etcd);
        Service server = Service.builder().name("go.micro.srv.greeter").args(flags)
            .environment(Map.of()).handler(new Say()).build();
        Service client = Service.builder().name("greeter.client").args(flags)
            .environment(Map.of()).build()) {
      server.start();

      Response reply = client.client().call("go.micro.srv.greeter", "Say.Hello", new Request("John"),
          Response.class);

      assertThat(reply.msg()).isEqualTo("Hello John");
      assertThat(server.registry().name()).isEqualTo("etcd");
      List<KeyValue> kvs = raw.getKVClient().get(Etcd.bytes(prefix),
          GetOption.builder().isPrefix(true).build()).get(5, TimeUnit.SECONDS).getKvs();
      assertThat(kvs).singleElement().satisfies(kv -> {
        assertThat(kv.getLease()).isNotZero();
        assertThat(Etcd.text(kv.getValue())).startsWith("{\"name\":\"go.micro.srv.greeter\",")
            .contains("\"name\":\"Say.Hello\"");
      });

      server.stop();
      assertThat(raw.getKVClient().get(Etcd.bytes(prefix), GetOption.builder().isPrefix(true).build())
          .get(5, TimeUnit.SECONDS).getKvs()).isEmpty();
    }
  }
}
