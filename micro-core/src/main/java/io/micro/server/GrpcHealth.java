package io.micro.server;

import io.micro.errors.MicroException;
import io.micro.grpc.health.v1.HealthCheckRequest;
import io.micro.grpc.health.v1.HealthCheckResponse;
import io.micro.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.micro.stream.StreamSender;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The built-in {@code Health} handler: gRPC's health checking protocol
 * ({@code /grpc.health.v1.Health/Check} and {@code Watch}), so standard probes can ask a micro
 * server over gRPC. The empty service name, the server's name and any {@code pkg.Handler} whose
 * handler is served are SERVING while the server runs and NOT_SERVING once it stops; other names
 * are unknown ({@code Check}: NOT_FOUND; {@code Watch}: SERVICE_UNKNOWN). {@code Watch} sends the
 * status, then the change when the server stops, and ends. Served but not advertised in the registry.
 */
final class GrpcHealth {
  private final String serverName;
  private final Supplier<Set<String>> endpoints;
  private final Object lock = new Object();
  private volatile boolean serving = true;

  GrpcHealth(String serverName, Supplier<Set<String>> endpoints) {
    this.serverName = serverName;
    this.endpoints = endpoints;
  }

  /** {@code Health.Check}. */
  public HealthCheckResponse check(HealthCheckRequest request) {
    if (!known(request.getService())) {
      throw MicroException.notFound(serverName, "health: unknown service '%s'", request.getService());
    }
    return response(serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
  }

  /** {@code Health.Watch}: the current status, then NOT_SERVING when the server stops. */
  public void watch(HealthCheckRequest request, StreamSender<HealthCheckResponse> out) throws InterruptedException {
    if (!known(request.getService())) {
      out.send(response(ServingStatus.SERVICE_UNKNOWN));
    } else {
      out.send(response(serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING));
    }
    synchronized (lock) {
      while (serving) {
        lock.wait();
      }
    }
    if (known(request.getService())) {
      out.send(response(ServingStatus.NOT_SERVING));
    }
  }

  /** The server is stopping: watchers hear NOT_SERVING and their streams end. */
  void stopping() {
    synchronized (lock) {
      serving = false;
      lock.notifyAll();
    }
  }

  private boolean known(String service) {
    if (service.isEmpty() || service.equals(serverName)) {
      return true;
    }
    String handler = service.substring(service.lastIndexOf('.') + 1) + ".";
    return endpoints.get().stream().anyMatch(e -> e.startsWith(handler));
  }

  private static HealthCheckResponse response(ServingStatus status) {
    return HealthCheckResponse.newBuilder().setStatus(status).build();
  }
}
