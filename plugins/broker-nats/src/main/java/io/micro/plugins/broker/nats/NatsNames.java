package io.micro.plugins.broker.nats;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Names of the JetStream objects the broker creates. Stream and consumer names may only hold
 * {@code A-Z a-z 0-9 _ -} here (JetStream forbids {@code . * >}, whitespace and path separators);
 * every other character becomes {@code _}, and when that changed anything or the name is long, a
 * hash of the original is appended so that {@code a.b} and {@code a_b} stay apart.
 */
final class NatsNames {
  private static final int MAX = 64;

  private NatsNames() {}

  /** The stream the broker creates for {@code topic}: {@code MICRO_<topic>}. */
  static String stream(String topic) {
    return "MICRO_" + safe(topic);
  }

  /** The durable consumer of queue group {@code queue} on {@code topic}. */
  static String durable(String queue, String topic) {
    return safe(queue) + "-" + safe(topic);
  }

  /** {@code raw} with only safe characters, plus a hash of it when it had to change. */
  static String safe(String raw) {
    StringBuilder b = new StringBuilder(raw.length());
    boolean changed = false;
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      boolean ok = c < 0x80 && (Character.isLetterOrDigit(c) || c == '_' || c == '-');
      b.append(ok ? c : '_');
      changed |= !ok;
    }
    if (!changed && b.length() <= MAX) {
      return b.toString();
    }
    if (b.length() > MAX) {
      b.setLength(MAX);
    }
    return b.append('_').append(hash(raw)).toString();
  }

  private static String hash(String raw) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(raw.getBytes(StandardCharsets.UTF_8));
      StringBuilder h = new StringBuilder(8);
      for (int i = 0; i < 4; i++) {
        h.append(Character.forDigit((d[i] >> 4) & 0xf, 16)).append(Character.forDigit(d[i] & 0xf, 16));
      }
      return h.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
