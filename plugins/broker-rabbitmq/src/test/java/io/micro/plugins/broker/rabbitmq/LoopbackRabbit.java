package io.micro.plugins.broker.rabbitmq;

import io.micro.testing.ExternalServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A RabbitMQ node of our own for a test class (Debian package rabbitmq-server), entirely on
 * 127.0.0.1 and apart from any RabbitMQ the machine runs: a node name, AMQP port, distribution port
 * and epmd port chosen free for this run, configuration, database and logs in a private directory.
 * {@link #close()} stops the node and the epmd it started.
 */
final class LoopbackRabbit implements AutoCloseable {
  /** The real start script; {@code /usr/sbin/rabbitmq-server} would switch to the rabbitmq user. */
  private static final String SCRIPT = "/usr/lib/rabbitmq/bin/rabbitmq-server";

  private final ExternalServer server;
  private final int epmdPort;

  private LoopbackRabbit(ExternalServer server, int epmdPort) {
    this.server = server;
    this.epmdPort = epmdPort;
  }

  /** Starts a node (10-20 s), or skips the test when rabbitmq-server is not installed. */
  static LoopbackRabbit start() {
    int epmd = ExternalServer.findFreePort();
    int dist = ExternalServer.findFreePort();
    ExternalServer server = ExternalServer.builder("rabbitmq-server", "rabbitmq-server")
        .startTimeout(Duration.ofSeconds(90))
        .command(s -> command(s, dist, epmd))
        .start();
    return new LoopbackRabbit(server, epmd);
  }

  private static List<String> command(ExternalServer s, int dist, int epmd) {
    Path dir = s.dataDir();
    try {
      Files.writeString(dir.resolve("rabbitmq.conf"), "listeners.tcp.default = 127.0.0.1:" + s.port() + "\n"
          + "loopback_users = none\n", StandardCharsets.UTF_8);
      Files.writeString(dir.resolve("enabled_plugins"), "[].\n", StandardCharsets.UTF_8);
      Files.writeString(dir.resolve("rabbitmq-env.conf"), "", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String script = Files.isExecutable(Path.of(SCRIPT)) ? SCRIPT : s.binary();
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/env",
        "HOME=" + dir,
        "RABBITMQ_CONF_ENV_FILE=" + dir.resolve("rabbitmq-env.conf"),
        "RABBITMQ_NODENAME=rabbit-" + s.port() + "@localhost",
        "RABBITMQ_NODE_IP_ADDRESS=127.0.0.1",
        "RABBITMQ_NODE_PORT=" + s.port(),
        "RABBITMQ_DIST_PORT=" + dist,
        "ERL_EPMD_PORT=" + epmd,
        "ERL_EPMD_ADDRESS=127.0.0.1",
        "RABBITMQ_MNESIA_BASE=" + dir.resolve("mnesia"),
        "RABBITMQ_LOG_BASE=" + dir.resolve("log"),
        "RABBITMQ_CONFIG_FILE=" + dir.resolve("rabbitmq"),
        "RABBITMQ_ADVANCED_CONFIG_FILE=" + dir.resolve("advanced.config"),
        "RABBITMQ_ENABLED_PLUGINS_FILE=" + dir.resolve("enabled_plugins"),
        "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=-kernel inet_dist_use_interface {127,0,0,1}",
        script));
    return cmd;
  }

  /** {@code 127.0.0.1:port} of AMQP. */
  String address() {
    return server.address();
  }

  int port() {
    return server.port();
  }

  /** Stops the node (gracefully, as SIGTERM does) and starts it again on the same port and data. */
  void restart() {
    stopNode();
    server.restart();
  }

  /** Stops the node only; {@link #startAgain()} brings it back. */
  void stopNode() {
    server.stop();
    killLeftovers();
  }

  /** Starts a stopped node again on the same port and data. */
  void startAgain() {
    server.restart();
  }

  @Override
  public void close() {
    server.stop();
    killLeftovers();
    stopEpmd();
    server.close();
  }

  /** The Erlang VM of this node if it outlived its start script (only ours: it names our epmd port). */
  private void killLeftovers() {
    String mark = "-epmd_port " + epmdPort + " ";
    ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains(mark) && c.contains("beam")).orElse(false))
        .forEach(p -> {
          p.destroy();
          p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> {
            p.destroyForcibly();
            return p;
          }).join();
        });
  }

  /** epmd stays after the node stopped (re-parented to init): ask the one on our port to exit. */
  private void stopEpmd() {
    for (String epmd : List.of("/usr/bin/epmd", "/usr/lib/erlang/bin/epmd")) {
      if (Files.isExecutable(Path.of(epmd))) {
        try {
          ProcessBuilder pb = new ProcessBuilder(epmd, "-kill").redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD);
          pb.environment().put("ERL_EPMD_PORT", Integer.toString(epmdPort));
          pb.start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
          // nothing to stop
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return;
      }
    }
  }
}
