package io.micro.plugins.registry.zookeeper;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs one warning per malformed record (per znode path and write), however often it is read, so
 * that a bad record written by someone else neither floods the log nor goes unnoticed.
 */
final class Malformed {
  private static final Logger LOG = LoggerFactory.getLogger(ZookeeperRegistry.class);
  /** Bound of the remembered records; past it the memory starts over (and may warn again). */
  private static final int MAX_REMEMBERED = 10_000;

  private final Set<String> warned = ConcurrentHashMap.newKeySet();

  /**
   * Warns about the record at {@code path} as written by transaction {@code mzxid}, unless that was
   * already done.
   */
  void warn(String path, long mzxid, String reason) {
    if (warned.size() >= MAX_REMEMBERED) {
      warned.clear();
    }
    if (warned.add(path + "@" + mzxid)) {
      LOG.warn("zookeeper registry: skipping malformed record {}: {}", path, reason);
    }
  }
}
