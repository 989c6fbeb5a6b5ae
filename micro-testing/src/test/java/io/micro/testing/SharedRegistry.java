package io.micro.testing;

import io.micro.registry.Registry;
import io.micro.registry.Service;
import io.micro.registry.Watcher;
import java.time.Duration;
import java.util.List;

/** One client of an in-process registry: closing it leaves the shared registry (the "backend") open. */
final class SharedRegistry implements Registry {
  private final Registry backend;

  SharedRegistry(Registry backend) {
    this.backend = backend;
  }

  @Override
  public String name() {
    return backend.name();
  }

  @Override
  public void register(Service service, Duration ttl) {
    backend.register(service, ttl);
  }

  @Override
  public void deregister(Service service) {
    backend.deregister(service);
  }

  @Override
  public List<Service> getService(String name) {
    return backend.getService(name);
  }

  @Override
  public List<Service> listServices() {
    return backend.listServices();
  }

  @Override
  public Watcher watch(String service) {
    return backend.watch(service);
  }

  @Override
  public void close() {
    // the backend outlives its clients
  }
}
