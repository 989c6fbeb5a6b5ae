package io.micro.plugins.registry.zookeeper;

import org.apache.zookeeper.common.PathUtils;

/**
 * Where records live: {@code <root>/<service>/<node id>}, each name with {@code /} replaced by
 * {@code -}, as go-micro's zookeeper plugin names them.
 */
final class ZnodePaths {
  private final String root;

  /**
   * @throws IllegalArgumentException when {@code root} is not an absolute ZooKeeper path without a
   *     trailing slash
   */
  ZnodePaths(String root) {
    if (root.length() < 2 || !root.startsWith("/") || root.endsWith("/")) {
      throw new IllegalArgumentException(
          "rootPath: '" + root + "' (expected: an absolute path such as /micro-registry)");
    }
    validate("rootPath", root, root);
    this.root = root;
  }

  String root() {
    return root;
  }

  /** The znode of a service, parent of its node records. */
  String service(String name) {
    String path = root + "/" + segment("service name", name);
    validate("service name", name, path);
    return path;
  }

  /** The znode holding the record of one node of a service. */
  String node(String service, String nodeId) {
    String path = service(service) + "/" + segment("node id", nodeId);
    validate("node id", nodeId, path);
    return path;
  }

  /** How deep {@code path} is below the root: 1 for a service, 2 for a node, else 0 or more. */
  int depth(String path) {
    if (!path.startsWith(root + "/")) {
      return 0;
    }
    return (int) path.substring(root.length()).chars().filter(c -> c == '/').count();
  }

  /** The last segment of {@code path}. */
  static String last(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  private static String segment(String what, String name) {
    String escaped = name.replace('/', '-');
    if (escaped.isEmpty() || escaped.equals(".") || escaped.equals("..")) {
      throw new IllegalArgumentException(
          what + ": '" + name + "' (expected: a name other than empty, '.' and '..')");
    }
    return escaped;
  }

  private static void validate(String what, String name, String path) {
    try {
      PathUtils.validatePath(path);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          what + ": '" + name + "' (expected: characters ZooKeeper accepts in a path: "
              + e.getMessage() + ")", e);
    }
  }
}
