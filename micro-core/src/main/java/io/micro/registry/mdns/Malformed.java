package io.micro.registry.mdns;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports records of others that cannot be read (TXT data that is not hex, not zlib or not the JSON
 * of a go-micro service): one warning per record name, however often the record is announced, so a
 * broken peer cannot flood the log. Remembers at most {@value #MAX_NAMES} names, then forgets the
 * oldest. Thread-safe.
 */
final class Malformed {
  private static final Logger log = LoggerFactory.getLogger(MdnsRegistry.class);
  static final int MAX_NAMES = 1024;

  private final Set<String> warned = new LinkedHashSet<>();

  /** Warns about {@code recordName} unless it was warned about already. */
  void report(String recordName, String why) {
    String key = recordName.toLowerCase(Locale.ROOT);
    synchronized (warned) {
      if (!warned.add(key)) {
        return;
      }
      if (warned.size() > MAX_NAMES) {
        warned.remove(warned.iterator().next());
      }
    }
    log.warn("mdns: skipped record {}: {}", recordName, why);
  }

  /** Whether {@code recordName} was reported (tests). */
  boolean reported(String recordName) {
    synchronized (warned) {
      return warned.contains(recordName.toLowerCase(Locale.ROOT));
    }
  }
}
