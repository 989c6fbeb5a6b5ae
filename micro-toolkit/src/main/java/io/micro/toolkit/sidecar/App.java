package io.micro.toolkit.sidecar;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The application a sidecar stands beside: registered as {@code name} with one node at
 * {@code address}, and, when {@code healthUrl} is given, checked every {@code interval}.
 *
 * @param name the service name, e.g. {@code go.micro.srv.greeter}
 * @param address the app's {@code host:port}
 * @param healthUrl polled with GET; a 2xx answer is healthy; null means always healthy
 * @param interval between health checks and re-registrations
 * @param ttl the registration's time to live (refreshed every interval); zero means no expiry
 */
public record App(String name, String address, @Nullable URI healthUrl, Duration interval,
    Duration ttl) {

  /** Checks the fields, naming the one that is wrong. */
  public App {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(ttl, "ttl");
    if (name.isBlank()) {
      throw new IllegalArgumentException("server_name: empty (expected: the app's service name)");
    }
    if (address.isBlank() || address.lastIndexOf(':') < 0) {
      throw new IllegalArgumentException(
          "server_address: '" + address + "' (expected: the app's host:port)");
    }
    if (healthUrl != null && !("http".equals(healthUrl.getScheme()) || "https".equals(healthUrl.getScheme()))) {
      throw new IllegalArgumentException(
          "healthcheck_url: '" + healthUrl + "' (expected: an http:// or https:// URL)");
    }
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("healthcheck_interval: " + interval + " (expected: > 0)");
    }
    if (ttl.isNegative()) {
      throw new IllegalArgumentException("register_ttl: " + ttl + " (expected: >= 0)");
    }
  }

  /** An app checked every 30 s (as micro does), whose registration lives 90 s unless refreshed. */
  public static App of(String name, String address, @Nullable URI healthUrl) {
    return new App(name, address, healthUrl, Duration.ofSeconds(30), Duration.ofSeconds(90));
  }
}
