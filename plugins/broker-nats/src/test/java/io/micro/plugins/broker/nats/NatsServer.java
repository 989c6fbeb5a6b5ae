package io.micro.plugins.broker.nats;

import io.micro.testing.ExternalServer;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A nats-server for tests (Debian package nats-server) on 127.0.0.1 with a free port, JetStream
 * on, its store in the server's private directory, and max_payload raised to 8 MiB so that 4 MiB
 * bodies fit once base64-encoded. Skips the test when nats-server is not installed.
 */
final class NatsServer {
  private NatsServer() {}

  /** Starts nats-server with JetStream. */
  static ExternalServer start() {
    return start(true);
  }

  /** Starts nats-server, with or without JetStream. */
  static ExternalServer start(boolean jetStream) {
    return ExternalServer.builder("nats-server", "nats-server")
        .command(s -> {
          Path conf = s.dataDir().resolve("nats.conf");
          try {
            Files.writeString(conf, "max_payload: 8388608\n");
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          List<String> cmd = new ArrayList<>(List.of(s.binary(), "-c", conf.toString(),
              "-a", "127.0.0.1", "-p", Integer.toString(s.port())));
          if (jetStream) {
            cmd.addAll(List.of("-js", "-sd", s.dataDir().resolve("js").toString()));
          }
          return cmd;
        })
        .start();
  }

  /** A plain jnats connection to {@code server}, standing for a Go service or the raw library. */
  static Connection raw(ExternalServer server) throws IOException, InterruptedException {
    return Nats.connect(new Options.Builder().server("nats://" + server.address())
        .connectionTimeout(Duration.ofSeconds(5)).maxReconnects(-1).build());
  }
}
