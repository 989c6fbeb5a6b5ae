package io.micro.selector;

import io.micro.registry.Registry;
import io.micro.registry.Service;
import io.micro.registry.Watcher;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A registry that delegates to a real one until told to fail: then every call throws as an
 * unreachable backend would, and open watchers are closed (the connection is gone). Counts lookups.
 */
public final class FlakyRegistry implements Registry {
  private final Registry backend;
  private volatile boolean down;
  final AtomicInteger lookups = new AtomicInteger();
  private final java.util.List<Watcher> open = new java.util.concurrent.CopyOnWriteArrayList<>();

  public FlakyRegistry(Registry backend) {
    this.backend = backend;
  }

  /** Makes every call fail (and drops the watchers), or work again. */
  public void down(boolean isDown) {
    this.down = isDown;
    if (isDown) {
      open.forEach(Watcher::close);
      open.clear();
    }
  }

  private void check() {
    if (down) {
      throw new UncheckedIOException("flaky registry at 127.0.0.1:2379 unreachable",
          new ConnectException("Connection refused"));
    }
  }

  @Override
  public String name() {
    return "flaky";
  }

  @Override
  public void register(Service service, Duration ttl) {
    check();
    backend.register(service, ttl);
  }

  @Override
  public void deregister(Service service) {
    check();
    backend.deregister(service);
  }

  @Override
  public List<Service> getService(String name) {
    lookups.incrementAndGet();
    check();
    return backend.getService(name);
  }

  @Override
  public List<Service> listServices() {
    check();
    return backend.listServices();
  }

  @Override
  public Watcher watch(String service) {
    check();
    Watcher w = backend.watch(service);
    open.add(w);
    return w;
  }

  @Override
  public void close() {
    backend.close();
  }
}
