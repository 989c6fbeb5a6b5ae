package io.micro.plugins.registry.kubernetes;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The pod labels and annotations go-micro's kubernetes registry uses, and how a service name
 * becomes part of a key: every byte of its UTF-8 form outside {@code [-A-Za-z0-9_.]} is replaced by
 * {@code _} (dots stay), exactly as go-micro's {@code serviceName} does.
 */
final class Keys {
  /** Label on every pod that registered something: {@code micro.mu/type=service}. */
  static final String TYPE_LABEL = "micro.mu/type";
  /** Value of {@link #TYPE_LABEL} and of every selector label. */
  static final String SERVICE_VALUE = "service";
  /** Prefix of the per-service selector label, {@code micro.mu/selector-<name>=service}. */
  static final String SELECTOR_PREFIX = "micro.mu/selector-";
  /** Prefix of the per-service annotation holding the service JSON. */
  static final String ANNOTATION_PREFIX = "micro.mu/service-";
  /** Longest name part of a label or annotation key Kubernetes accepts. */
  static final int MAX_NAME_PART = 63;

  private Keys() {}

  /** The service name as it appears in keys; {@code go.micro.srv.greeter} stays as it is. */
  static String escape(String serviceName) {
    byte[] bytes = serviceName.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(bytes.length);
    for (byte b : bytes) {
      char c = (char) (b & 0xff);
      boolean allowed = c == '-' || c == '_' || c == '.'
          || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      out.append(allowed ? c : '_');
    }
    return out.toString();
  }

  /** {@code micro.mu/selector-<escaped name>}. */
  static String selectorLabel(String serviceName) {
    return SELECTOR_PREFIX + escape(serviceName);
  }

  /** {@code micro.mu/service-<escaped name>}. */
  static String serviceAnnotation(String serviceName) {
    return ANNOTATION_PREFIX + escape(serviceName);
  }

  /**
   * Why Kubernetes would refuse the keys of {@code serviceName}, or empty when it accepts them: the
   * part after {@code micro.mu/} must be at most 63 characters and end with a letter or digit.
   */
  static Optional<String> invalid(String serviceName) {
    String key = selectorLabel(serviceName);
    String namePart = key.substring("micro.mu/".length());
    if (serviceName.isEmpty()) {
      return Optional.of("service name: '' (expected: a non-empty name)");
    }
    if (namePart.length() > MAX_NAME_PART) {
      return Optional.of("service name '" + serviceName + "': label key " + key + " has a name part of "
          + namePart.length() + " characters (expected: <= " + MAX_NAME_PART
          + ", so a service name of at most " + (MAX_NAME_PART - "selector-".length()) + ")");
    }
    char last = namePart.charAt(namePart.length() - 1);
    if (!Character.isLetterOrDigit(last) || last > 'z') {
      return Optional.of("service name '" + serviceName + "': label key " + key
          + " ends with '" + last + "' (expected: a letter or digit at the end)");
    }
    return Optional.empty();
  }
}
