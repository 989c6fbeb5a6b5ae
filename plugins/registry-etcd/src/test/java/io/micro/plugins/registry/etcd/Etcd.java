package io.micro.plugins.registry.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.PutOption;
import io.micro.testing.ExternalServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A single-member etcd for tests, on 127.0.0.1 with free client and peer ports, plus raw access. */
final class Etcd {
  private Etcd() {}

  /** Starts {@code etcd} (Debian package etcd-server), or skips the test when it is not installed. */
  static ExternalServer start() {
    return ExternalServer.builder("etcd", "etcd-server")
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
  }

  /** A plain jetcd client of {@code etcd}, to look at or write keys behind the registry's back. */
  static Client raw(ExternalServer etcd) {
    return Client.builder().endpoints("http://" + etcd.address()).build();
  }

  /** The key-value at {@code key}, if any. */
  static Optional<KeyValue> get(Client client, String key) throws Exception {
    List<KeyValue> kvs = client.getKVClient().get(bytes(key)).get(5, TimeUnit.SECONDS).getKvs();
    return kvs.isEmpty() ? Optional.empty() : Optional.of(kvs.get(0));
  }

  /** Writes {@code value} at {@code key} without a lease. */
  static void put(Client client, String key, String value) throws Exception {
    client.getKVClient().put(bytes(key), bytes(value), PutOption.DEFAULT).get(5, TimeUnit.SECONDS);
  }

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  static String text(ByteSequence b) {
    return b.toString(StandardCharsets.UTF_8);
  }
}
