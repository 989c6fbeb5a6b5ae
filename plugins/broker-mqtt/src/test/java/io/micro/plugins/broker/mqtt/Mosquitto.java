package io.micro.plugins.broker.mqtt;

import io.micro.testing.ExternalServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Starts the installed Mosquitto on 127.0.0.1 for a test class (Debian package {@code mosquitto}). */
final class Mosquitto {
  private Mosquitto() {}

  /**
   * A Mosquitto with its configuration in its data directory. {@code persistence}: keep sessions
   * and queued messages in the data directory across restarts.
   */
  static ExternalServer start(boolean persistence) {
    return ExternalServer.builder("mosquitto", "mosquitto")
        .command(s -> List.of(s.binary(), "-c", writeConf(s, persistence).toString()))
        .start();
  }

  private static Path writeConf(ExternalServer s, boolean persistence) {
    Path conf = s.dataDir().resolve("mosquitto.conf");
    String text = "listener " + s.port() + " 127.0.0.1\n"
        + "allow_anonymous true\n"
        // when started as root Mosquitto switches to this user; as anyone else it is ignored
        + "user " + System.getProperty("user.name") + "\n"
        + "persistence " + persistence + "\n"
        + "persistence_location " + s.dataDir() + "/\n"
        // Mosquitto's default (1000) silently drops QoS 1 messages queued beyond it per client
        + "max_queued_messages 100000\n"
        + "log_dest stderr\n";
    try {
      Files.writeString(conf, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return conf;
  }
}
