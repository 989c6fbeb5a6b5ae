package io.micro.toolkit.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micro.client.Client;
import io.micro.registry.memory.MemoryRegistry;
import io.micro.selector.Selector;
import io.micro.toolkit.http.Tls;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sidecar over HTTPS with a self-signed certificate made at test time. */
class SidecarTlsTest {

  @Test
  void servesHttpsAndRefusesPlainHttp(@TempDir Path dir) throws Exception {
    SelfSigned cert = SelfSigned.create(dir);
    try (MemoryRegistry registry = MemoryRegistry.create();
        Selector selector = Selector.create(registry);
        Client client = Client.builder().selector(selector).build();
        Sidecar car = Sidecar.builder().registry(registry).client(client).address("127.0.0.1:0")
            .tls(new Tls(cert.cert(), cert.key(), null)).build().start()) {
      assertThat(car.url()).startsWith("https://");
      HttpClient https = HttpClient.newBuilder().sslContext(cert.clientContext())
          .connectTimeout(Duration.ofSeconds(5)).build();

      HttpResponse<String> r = https.send(HttpRequest.newBuilder(URI.create(car.url() + "/registry"))
          .build(), HttpResponse.BodyHandlers.ofString());

      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("[]");
      HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(
          URI.create(car.url().replace("https", "http") + "/registry")).timeout(Duration.ofSeconds(5))
          .build(), HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
    }
  }
}
