package io.micro.toolkit.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.micro.client.Client;
import io.micro.registry.Service;
import io.micro.registry.memory.MemoryRegistry;
import io.micro.selector.Selector;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * App registration against a real HTTP health endpoint (the JDK's server on loopback) whose
 * answer the test flips between 200 and 503.
 */
class AppRegistrationTest {

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what + " within 10 s").isLessThan(end);
      Thread.sleep(10);
    }
  }

  @Test
  void registersWhileHealthyDeregistersWhileNotAndAtClose() throws Exception {
    AtomicInteger status = new AtomicInteger(200);
    HttpServer app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    app.createContext("/health", ex -> {
      ex.sendResponseHeaders(status.get(), -1);
      ex.close();
    });
    app.start();
    String appAddress = "127.0.0.1:" + app.getAddress().getPort();
    URI healthUrl = URI.create("http://" + appAddress + "/health");
    HttpClient http = HttpClient.newHttpClient();
    try (MemoryRegistry registry = MemoryRegistry.create();
        Selector selector = Selector.create(registry);
        Client client = Client.builder().selector(selector).build();
        Sidecar car = Sidecar.builder().registry(registry).client(client).address("127.0.0.1:0")
            .app(new App("go.micro.srv.polyglot", appAddress, healthUrl, Duration.ofMillis(50),
                Duration.ofSeconds(30)))
            .build().start()) {
      await("registered", () -> !registry.getService("go.micro.srv.polyglot").isEmpty());
      List<Service> versions = registry.getService("go.micro.srv.polyglot");
      assertThat(versions.get(0).nodes()).singleElement()
          .satisfies(n -> {
            assertThat(n.address()).isEqualTo(appAddress);
            assertThat(n.id()).startsWith("go.micro.srv.polyglot-");
          });
      assertThat(car.appRegistered()).isTrue();
      HttpResponse<String> healthy = http.send(HttpRequest.newBuilder(URI.create(car.url() + "/health"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(healthy.statusCode()).isEqualTo(200);

      status.set(503);
      await("deregistered while unhealthy", () -> registry.getService("go.micro.srv.polyglot").isEmpty());
      HttpResponse<String> sick = http.send(HttpRequest.newBuilder(URI.create(car.url() + "/health"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(sick.statusCode()).isEqualTo(503);
      assertThat(sick.body()).contains("Non 200 response: 503");

      status.set(200);
      await("registered again", () -> !registry.getService("go.micro.srv.polyglot").isEmpty());

      car.close();
      assertThat(registry.getService("go.micro.srv.polyglot")).isEmpty();
    } finally {
      app.stop(0);
    }
  }

  @Test
  void anAppThatIsDownIsNotRegisteredAndHealthSays500() throws Exception {
    // nothing listens on the app's port: connection refused
    HttpServer probe = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    int deadPort = probe.getAddress().getPort();
    probe.stop(0);
    try (MemoryRegistry registry = MemoryRegistry.create();
        Selector selector = Selector.create(registry);
        Client client = Client.builder().selector(selector).build();
        Sidecar car = Sidecar.builder().registry(registry).client(client).address("127.0.0.1:0")
            .app(new App("go.micro.srv.down", "127.0.0.1:" + deadPort,
                URI.create("http://127.0.0.1:" + deadPort + "/health"), Duration.ofMillis(50),
                Duration.ZERO))
            .build().start()) {
      HttpResponse<String> r = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(car.url() + "/health")).build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(r.statusCode()).isEqualTo(500);
      assertThat(r.body()).contains("health check http://127.0.0.1:" + deadPort);
      assertThat(registry.getService("go.micro.srv.down")).isEmpty();
      assertThat(car.appRegistered()).isFalse();
    }
  }

  @Test
  void appWithoutHealthUrlIsRegisteredAtOnce() throws Exception {
    try (MemoryRegistry registry = MemoryRegistry.create();
        Selector selector = Selector.create(registry);
        Client client = Client.builder().selector(selector).build();
        Sidecar car = Sidecar.builder().registry(registry).client(client).address("127.0.0.1:0")
            .app(App.of("go.micro.srv.simple", "127.0.0.1:4000", null)).build().start()) {
      await("registered", () -> !registry.getService("go.micro.srv.simple").isEmpty());
      assertThat(registry.getService("go.micro.srv.simple").get(0).nodes().get(0).address())
          .isEqualTo("127.0.0.1:4000");
    }
  }
}
