package io.micro.cmd;

import io.micro.broker.Broker;
import io.micro.broker.spi.BrokerProvider;
import io.micro.registry.Registry;
import io.micro.registry.spi.RegistryProvider;
import io.micro.selector.Selector;
import io.micro.selector.spi.SelectorProvider;
import io.micro.transport.Transport;
import io.micro.transport.spi.TransportProvider;
import java.util.Iterator;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registries, transports, selectors and brokers by the names users give them ({@code --registry=etcd}),
 * found with {@link ServiceLoader} from {@code META-INF/services}: a plugin's jar on the class path
 * is all it takes.
 *
 * <pre>{@code
 * Plugins plugins = Plugins.load(Thread.currentThread().getContextClassLoader());
 * Registry registry = plugins.registry("mdns", new RegistryProvider.Config(List.of(), Duration.ZERO));
 * }</pre>
 *
 * <p>An unknown name fails with the names that are available:
 * {@code unknown registry 'etcd3' (available: mdns, memory)}. A provider that cannot be loaded is
 * logged and skipped; when two providers share a name the first found wins. Instances are
 * immutable and safe for concurrent use; what they create is owned by the caller.
 */
public final class Plugins {
  private static final Logger LOG = LoggerFactory.getLogger(Plugins.class);

  private final Map<String, RegistryProvider> registries;
  private final Map<String, TransportProvider> transports;
  private final Map<String, SelectorProvider> selectors;
  private final Map<String, BrokerProvider> brokers;

  private Plugins(ClassLoader loader) {
    this.registries = load(RegistryProvider.class, RegistryProvider::name, loader);
    this.transports = load(TransportProvider.class, TransportProvider::name, loader);
    this.selectors = load(SelectorProvider.class, SelectorProvider::name, loader);
    this.brokers = load(BrokerProvider.class, BrokerProvider::name, loader);
  }

  /** The plugins visible to {@code loader}. */
  public static Plugins load(ClassLoader loader) {
    return new Plugins(loader);
  }

  /** The plugins visible to the class loader of this class. */
  public static Plugins load() {
    return new Plugins(Plugins.class.getClassLoader());
  }

  /** A new registry from the provider called {@code name}. */
  public Registry registry(String name, RegistryProvider.Config config) {
    return find("registry", registries, name).create(config);
  }

  /** A new transport from the provider called {@code name}. */
  public Transport transport(String name, TransportProvider.Config config) {
    return find("transport", transports, name).create(config);
  }

  /** A new selector from the provider called {@code name}. */
  public Selector selector(String name, SelectorProvider.Config config) {
    return find("selector", selectors, name).create(config);
  }

  /** A new broker (not connected) from the provider called {@code name}. */
  public Broker broker(String name, BrokerProvider.Config config) {
    return find("broker", brokers, name).create(config);
  }

  /** The names of the available brokers, sorted. */
  public Set<String> brokers() {
    return brokers.keySet();
  }

  /** The names of the available registries, sorted. */
  public Set<String> registries() {
    return registries.keySet();
  }

  /** The names of the available transports, sorted. */
  public Set<String> transports() {
    return transports.keySet();
  }

  /** The names of the available selectors, sorted. */
  public Set<String> selectors() {
    return selectors.keySet();
  }

  private static <P> P find(String kind, Map<String, P> providers, String name) {
    P p = providers.get(name.strip().toLowerCase(java.util.Locale.ROOT));
    if (p == null) {
      throw new IllegalArgumentException("unknown " + kind + " '" + name + "' (available: "
          + (providers.isEmpty() ? "none" : String.join(", ", providers.keySet())) + ")");
    }
    return p;
  }

  private static <P> Map<String, P> load(Class<P> type, Function<P, String> nameOf, ClassLoader loader) {
    Map<String, P> out = new TreeMap<>();
    Iterator<P> it = ServiceLoader.load(type, loader).iterator();
    while (true) {
      P p;
      try {
        if (!it.hasNext()) {
          break;
        }
        p = it.next();
      } catch (ServiceConfigurationError e) {
        LOG.warn("skipping a {}: {}", type.getSimpleName(), e.getMessage());
        continue;
      }
      String name = nameOf.apply(p);
      P previous = out.putIfAbsent(name, p);
      if (previous != null) {
        LOG.warn("two {}s named '{}': using {}, ignoring {}", type.getSimpleName(), name,
            previous.getClass().getName(), p.getClass().getName());
      }
    }
    return java.util.Collections.unmodifiableMap(out);
  }
}
