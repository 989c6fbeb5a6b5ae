package io.micro.toolkit.sidecar;

import io.micro.registry.Node;
import io.micro.registry.Registry;
import io.micro.registry.Service;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the app in the registry while it is healthy: registers it at start (when healthy), checks
 * its health URL every interval, deregisters it while the check fails and registers it again when
 * it passes; re-registers every interval so a TTL does not expire; deregisters it at close.
 */
final class AppRegistration implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AppRegistration.class);

  private final App app;
  private final Registry registry;
  private final Service service;
  private final HttpClient http;
  private final ScheduledExecutorService timer;
  private final Duration checkTimeout;
  private volatile boolean registered;
  private volatile String lastProblem = "";

  AppRegistration(App app, Registry registry) {
    this.app = app;
    this.registry = registry;
    this.service = Service.of(app.name(), "")
        .withNodes(List.of(Node.of(app.name() + "-" + UUID.randomUUID(), app.address())));
    this.checkTimeout = min(app.interval(), Duration.ofSeconds(5));
    this.http = HttpClient.newBuilder().connectTimeout(checkTimeout)
        .followRedirects(HttpClient.Redirect.NEVER).build();
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "micro-sidecar-health");
      t.setDaemon(true);
      return t;
    });
  }

  /** Runs the first check and registration now, then every interval. */
  void start() {
    timer.scheduleWithFixedDelay(this::tick, 0, app.interval().toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The node id the app is registered under. */
  String nodeId() {
    return service.nodes().get(0).id();
  }

  /** Whether the app is registered now. */
  boolean registered() {
    return registered;
  }

  /** The app's health now: {@link Health#OK}, or the status and reason of the failure. */
  Health check() {
    if (app.healthUrl() == null) {
      return Health.OK;
    }
    try {
      HttpResponse<String> rsp = http.send(HttpRequest.newBuilder(app.healthUrl())
          .timeout(checkTimeout).GET().build(), HttpResponse.BodyHandlers.ofString());
      int code = rsp.statusCode();
      if (code >= 200 && code < 300) {
        return Health.OK;
      }
      return new Health(code, "Non 200 response: " + code);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Health(500, "interrupted");
    } catch (Exception e) {
      return new Health(500, "health check " + app.healthUrl() + ": " + (e.getMessage() == null
          ? e.getClass().getSimpleName() : e.getMessage()));
    }
  }

  /** A health answer: 200 and empty when healthy. */
  record Health(int status, String problem) {
    static final Health OK = new Health(200, "");
  }

  private void tick() {
    try {
      Health h = check();
      if (h.status() == 200) {
        registry.register(service, app.ttl());
        if (!registered) {
          LOG.info("healthy: registering {} ({} at {})", nodeId(), app.name(), app.address());
        }
        registered = true;
        lastProblem = "";
      } else {
        if (registered) {
          LOG.warn("health check failed ({}): deregistering {}", h.problem(), nodeId());
          registry.deregister(service);
          registered = false;
        } else if (!h.problem().equals(lastProblem)) {
          LOG.warn("health check failed ({}): {} stays unregistered", h.problem(), nodeId());
        }
        lastProblem = h.problem();
      }
    } catch (RuntimeException e) {
      LOG.warn("registry {}: cannot update {}: {}", registry.name(), nodeId(), e.getMessage());
    }
  }

  /** Stops checking and deregisters the app. */
  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      registry.deregister(service);
      registered = false;
      LOG.info("deregistered {}", nodeId());
    } catch (RuntimeException e) {
      LOG.warn("registry {}: cannot deregister {}: {}", registry.name(), nodeId(), e.getMessage());
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) < 0 ? a : b;
  }
}
