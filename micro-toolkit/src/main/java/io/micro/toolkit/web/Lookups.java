package io.micro.toolkit.web;

import io.micro.errors.MicroException;
import io.micro.registry.Registry;
import io.micro.registry.Service;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Registry reads for the dashboard, bounded in time (a slow registry answers 504 instead of holding
 * the page) and in size (at most {@code maxServices} names, nodes and endpoints per service).
 */
final class Lookups {

  static final String ID = "go.micro.web";

  private final Registry registry;
  private final Executor executor;
  private final Duration timeout;
  private final int maxServices;

  Lookups(Registry registry, Executor executor, Duration timeout, int maxServices) {
    this.registry = registry;
    this.executor = executor;
    this.timeout = timeout;
    this.maxServices = maxServices;
  }

  /** The sorted, distinct names of every registered service, at most {@code maxServices}. */
  List<String> names() {
    List<Service> all = bounded(registry::listServices, "list services");
    TreeSet<String> names = new TreeSet<>();
    for (Service s : all) {
      names.add(s.name());
    }
    List<String> out = new ArrayList<>(names);
    return out.size() > maxServices ? out.subList(0, maxServices) : out;
  }

  /** Every version of {@code name}, each cut to {@code maxServices} nodes and endpoints. */
  List<Service> service(String name) {
    List<Service> versions = bounded(() -> registry.getService(name), "get service " + name);
    List<Service> out = new ArrayList<>();
    for (Service s : versions) {
      out.add(s.withNodes(cut(s.nodes())).withEndpoints(cut(s.endpoints())));
      if (out.size() >= maxServices) {
        break;
      }
    }
    return out;
  }

  private <T> List<T> cut(List<T> list) {
    return list.size() > maxServices ? list.subList(0, maxServices) : list;
  }

  private <T> T bounded(Supplier<T> read, String what) {
    CompletableFuture<T> f = CompletableFuture.supplyAsync(read, executor);
    try {
      return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw MicroException.of(ID, 504, "registry: " + what + " took longer than " + timeout,
          "Gateway Timeout");
    } catch (ExecutionException e) {
      Throwable c = e.getCause() == null ? e : e.getCause();
      throw c instanceof MicroException m ? m
          : MicroException.internalServerError(ID, "registry: %s: %s", what, c.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw MicroException.internalServerError(ID, "registry: %s: interrupted", what);
    }
  }
}
