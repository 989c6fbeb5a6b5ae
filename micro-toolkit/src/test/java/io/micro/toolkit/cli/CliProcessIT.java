package io.micro.toolkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.micro.Service;
import io.micro.testing.ExternalServer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/micro} as a process (with what the package phase put in micro-toolkit/target) against
 * a greeter in this JVM: found through mDNS, and through etcd (proving the plugins are on the
 * command's class path).
 */
class CliProcessIT {
  private static final Path MICRO = Path.of("..", "bin", "micro").toAbsolutePath().normalize();

  record Result(int exit, String out, String err) {}

  static Result micro(String stdin, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(MICRO.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("MICRO_BUILD", "never");
    pb.environment().keySet().removeIf(k -> k.startsWith("MICRO_") && !k.equals("MICRO_BUILD"));
    Process p = pb.start();
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
    p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("bin/micro " + String.join(" ", args) + " did not finish");
    }
    return new Result(p.exitValue(), out.join(), err.join());
  }

  private static String read(java.io.InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Service greeter(String name, String... args) {
    Service s = Service.builder().name(name).version("1.0.0").environment(Map.of())
        .args(args).address("127.0.0.1:0").handler(new Greeter.Say()).build();
    s.start();
    return s;
  }

  @Test
  void binMicroCallsAGreeterFoundThroughMdns() throws Exception {
    assertThat(Files.isExecutable(MICRO)).as(MICRO.toString()).isTrue();
    String name = "go.micro.srv.greeter.cli-" + UUID.randomUUID().toString().substring(0, 8);
    try (Service s = greeter(name, "--registry=mdns")) {
      Result list = micro("", "list", "services");
      assertThat(list.exit()).as(list.err()).isZero();
      assertThat(list.out().lines()).contains(name);

      Result call = micro("", "call", name, "Say.Hello", "{\"name\": \"John\"}");
      assertThat(call.exit()).as(call.err()).isZero();
      assertThat(call.out()).isEqualTo("{\n\t\"msg\": \"Hello John\"\n}\n");

      Result stdin = micro("{\"name\": \"Stdin\"}", "--output=json", "query", name, "Say.Hello");
      assertThat(stdin.out()).isEqualTo("{\"msg\":\"Hello Stdin\"}\n");

      Result failed = micro("", "call", name, "Say.Hello", "{\"name\": \"\"}");
      assertThat(failed.exit()).isEqualTo(1);
      assertThat(failed.out()).isEmpty();
      assertThat(failed.err()).contains("\"code\":400").contains("Name cannot be blank");
    }
  }

  @Test
  void binMicroSidecarRunsOnTheCoreClassPathAndCallsAGreeter() throws Exception {
    String name = "go.micro.srv.greeter.sidecar-" + UUID.randomUUID().toString().substring(0, 8);
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    String base = "http://127.0.0.1:" + port;
    ProcessBuilder pb = new ProcessBuilder(MICRO.toString(), "sidecar", "--sidecar_address=127.0.0.1:" + port)
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().keySet().removeIf(k -> k.startsWith("MICRO_"));
    pb.environment().put("MICRO_BUILD", "never");
    try (Service s = greeter(name, "--registry=mdns")) {
      Process sidecar = pb.start();
      try {
        var http = HttpClient.newHttpClient();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        HttpResponse<String> health = null;
        while (health == null) {
          try {
            health = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                BodyHandlers.ofString());
          } catch (ConnectException notYet) {
            assertThat(sidecar.isAlive()).as("sidecar exited with %s", sidecar.isAlive() ? "" : sidecar.exitValue()).isTrue();
            assertThat(System.nanoTime()).as("sidecar listening within 60 s").isLessThan(until);
            Thread.sleep(100);
          }
        }
        assertThat(health.statusCode()).isEqualTo(200);
        // bin/micro execs java: the process is now the JVM, and with no plugin named it runs on the
        // core jars only (docs/sidecar.md "Running it small"), which is what this test exercises
        String cmdline = Files.readString(Path.of("/proc", Long.toString(sidecar.pid()), "cmdline"))
            .replace('\0', ' ');
        assertThat(cmdline).contains("-Xmx24m").contains("micro-core-").doesNotContain("micro-registry-etcd");
        HttpResponse<String> rpc = http.send(HttpRequest.newBuilder(URI.create(base + "/rpc"))
            .header("Content-Type", "application/json")
            .POST(BodyPublishers.ofString("{\"service\":\"" + name
                + "\",\"endpoint\":\"Say.Hello\",\"request\":{\"name\":\"John\"}}"))
            .build(), BodyHandlers.ofString());
        assertThat(rpc.statusCode()).as(rpc.body()).isEqualTo(200);
        assertThat(rpc.body()).contains("Hello John");
        HttpResponse<String> registry = http.send(HttpRequest.newBuilder(
            URI.create(base + "/registry?service=" + name)).build(), BodyHandlers.ofString());
        assertThat(registry.statusCode()).as(registry.body()).isEqualTo(200);
        assertThat(registry.body()).contains(name).contains("Say.Hello");
      } finally {
        sidecar.destroy();
        if (!sidecar.waitFor(20, TimeUnit.SECONDS)) {
          sidecar.destroyForcibly();
        }
      }
    }
  }

  @Test
  void binMicroUsesTheEtcdPluginWithoutRebuilding() throws Exception {
    try (ExternalServer etcd = ExternalServer.builder("etcd", "etcd-server")
        .command(s -> {
          String client = "http://" + s.address();
          String peer = "http://127.0.0.1:" + s.freePort();
          return List.of(s.binary(), "--name", "default",
              "--data-dir", s.dataDir().resolve("data").toString(),
              "--listen-client-urls", client, "--advertise-client-urls", client,
              "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
              "--initial-cluster", "default=" + peer);
        })
        .start();
        Service s = greeter("go.micro.srv.greeter", "--registry=etcd",
            "--registry_address=" + etcd.address())) {
      Result list = micro("", "--registry=etcd", "--registry_address=" + etcd.address(), "list", "services");
      assertThat(list.exit()).as(list.err()).isZero();
      assertThat(list.out()).isEqualTo("go.micro.srv.greeter\n");

      Result get = micro("", "get", "service", "go.micro.srv.greeter", "--registry", "etcd",
          "--registry_address", etcd.address());
      assertThat(get.out()).startsWith("service  go.micro.srv.greeter\n\nversion 1.0.0\n")
          .contains("Endpoint: Say.Hello");

      Result health = micro("", "--registry=etcd", "--registry_address=" + etcd.address(),
          "health", "go.micro.srv.greeter");
      assertThat(health.exit()).as(health.err()).isZero();
      assertThat(health.out()).contains("\t\tok");
    }
  }
}
