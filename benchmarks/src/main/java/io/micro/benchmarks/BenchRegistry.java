package io.micro.benchmarks;

import io.micro.plugins.registry.etcd.EtcdRegistry;
import io.micro.registry.Registry;
import io.micro.registry.mdns.MdnsRegistry;

/**
 * The registry {@link DiscoveryBench} and {@link DiscoveryNode} measure, chosen by system
 * properties: {@code registry=mdns} (default; loopback interface) or {@code registry=etcd} with
 * {@code etcd=127.0.0.1:<port>} (the etcd that {@code discovery.sh} starts on loopback).
 */
final class BenchRegistry {
  private BenchRegistry() {}

  /** {@code mdns} or {@code etcd}. */
  static String kind() {
    return System.getProperty("registry", "mdns");
  }

  /** The name in result tables: {@code mDNS} or {@code etcd}. */
  static String label() {
    return kind().equals("mdns") ? "mDNS" : kind();
  }

  /** The system properties a child JVM needs to open the same registry. */
  static String[] childProperties() {
    return new String[] {"-Dregistry=" + kind(), "-Detcd=" + etcdAddress(),
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"};
  }

  /**
   * A new registry client of its own (its own sockets or connection); {@code hostName} is the mDNS
   * host name.
   *
   * @throws IllegalArgumentException for another {@code registry} value
   */
  static Registry open(String hostName) {
    switch (kind()) {
      case "mdns":
        return MdnsRegistry.builder().hostName(hostName).build();
      case "etcd":
        return EtcdRegistry.builder().addresses(etcdAddress()).build();
      default:
        throw new IllegalArgumentException("registry: '" + kind() + "' (expected: mdns or etcd)");
    }
  }

  private static String etcdAddress() {
    return System.getProperty("etcd", "127.0.0.1:2379");
  }
}
