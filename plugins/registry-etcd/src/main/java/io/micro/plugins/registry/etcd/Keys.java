package io.micro.plugins.registry.etcd;

import io.etcd.jetcd.ByteSequence;
import java.nio.charset.StandardCharsets;

/**
 * go-micro's etcd key layout under a prefix (default {@code /micro/registry/}): a node lives at
 * {@code <prefix><service>/<nodeId>}, with every {@code /} in the service name and the node id
 * replaced by {@code -} so that each stays one path segment.
 */
final class Keys {
  /** go-micro's prefix. */
  static final String DEFAULT_PREFIX = "/micro/registry/";

  private final String prefix;

  /**
   * Keys under {@code prefix}, which gets a trailing {@code /} if it lacks one.
   *
   * @throws IllegalArgumentException when the prefix is empty or does not start with {@code /}
   */
  Keys(String prefix) {
    if (prefix.isEmpty() || !prefix.startsWith("/")) {
      throw new IllegalArgumentException("prefix: '" + prefix + "' (expected: a path starting with /)");
    }
    this.prefix = prefix.endsWith("/") ? prefix : prefix + "/";
  }

  /** The prefix, ending with {@code /}. */
  String prefix() {
    return prefix;
  }

  /** {@code <prefix><service>/<nodeId>}. */
  String node(String service, String nodeId) {
    return prefix + segment(service) + "/" + segment(nodeId);
  }

  /** {@code <prefix><service>/}: the prefix of every node of the service. */
  String service(String service) {
    return prefix + segment(service) + "/";
  }

  static String segment(String name) {
    return name.replace('/', '-');
  }

  static ByteSequence bytes(String key) {
    return ByteSequence.from(key, StandardCharsets.UTF_8);
  }

  static String text(ByteSequence bytes) {
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
