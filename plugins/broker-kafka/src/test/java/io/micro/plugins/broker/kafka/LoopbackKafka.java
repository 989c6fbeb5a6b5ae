package io.micro.plugins.broker.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A single-node Kafka (KRaft: broker and controller in one) inside the test JVM, listening on
 * 127.0.0.1 only, on free ports, with its data in a temporary directory. Tuned for quick tests:
 * no initial rebalance delay, short minimum session timeout, 8 MiB messages.
 */
final class LoopbackKafka implements AutoCloseable {
  private final Path dir;
  private final int brokerPort;
  private final int controllerPort;
  private final Properties props;
  private KafkaRaftServer server;

  private LoopbackKafka(Path dir, int brokerPort, int controllerPort) {
    this.dir = dir;
    this.brokerPort = brokerPort;
    this.controllerPort = controllerPort;
    this.props = new Properties();
    props.put("process.roles", "broker,controller");
    props.put("node.id", "1");
    props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    props.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
    props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
    props.put("controller.listener.names", "CONTROLLER");
    props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    props.put("inter.broker.listener.name", "PLAINTEXT");
    props.put("log.dirs", dir.resolve("data").toString());
    props.put("offsets.topic.replication.factor", "1");
    props.put("offsets.topic.num.partitions", "1");
    props.put("transaction.state.log.replication.factor", "1");
    props.put("transaction.state.log.min.isr", "1");
    props.put("share.coordinator.state.topic.replication.factor", "1");
    props.put("share.coordinator.state.topic.min.isr", "1");
    props.put("group.initial.rebalance.delay.ms", "0");
    props.put("group.min.session.timeout.ms", "1000");
    props.put("num.partitions", "1");
    props.put("message.max.bytes", Integer.toString(8 * 1024 * 1024));
  }

  /** Formats a fresh data directory and starts the server (about 1.5 s). */
  static LoopbackKafka start() throws IOException {
    Path dir = Files.createTempDirectory("micro-kafka-");
    LoopbackKafka k = new LoopbackKafka(dir, freePort(), freePort());
    Path config = dir.resolve("server.properties");
    try (OutputStream out = Files.newOutputStream(config)) {
      k.props.store(out, "in-JVM test broker");
    }
    int rc = StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c",
        config.toString()}, new PrintStream(OutputStream.nullOutputStream()));
    if (rc != 0) {
      throw new IllegalStateException("kafka storage format failed with " + rc);
    }
    k.startServer();
    return k;
  }

  /** {@code 127.0.0.1:<port>} of the PLAINTEXT listener. */
  String bootstrap() {
    return "127.0.0.1:" + brokerPort;
  }

  /** Stops the server and starts it again on the same ports and data. */
  synchronized void restart() {
    stopServer();
    startServer();
  }

  /** Stops the server (the backend is "down"). */
  synchronized void stop() {
    stopServer();
  }

  private synchronized void startServer() {
    server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
    server.startup();
  }

  private void stopServer() {
    if (server != null) {
      server.shutdown();
      server.awaitShutdown();
      server = null;
    }
  }

  @Override
  public synchronized void close() {
    stopServer();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }
}
