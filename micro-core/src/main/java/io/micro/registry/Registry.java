package io.micro.registry;

import java.time.Duration;
import java.util.List;

/**
 * Service discovery: where services register their nodes and clients look them up.
 *
 * <p>Implementations must be safe for concurrent use. A registry is closed by whoever built it.
 *
 * <pre>{@code
 * Registry registry = MemoryRegistry.create();
 * registry.register(service, Duration.ofSeconds(60));
 * List<Service> versions = registry.getService("go.micro.srv.greeter");
 * }</pre>
 */
public interface Registry extends AutoCloseable {

  /** The name this registry is selected by, e.g. {@code mdns}, {@code memory}, {@code etcd}. */
  String name();

  /**
   * Registers the nodes of {@code service}, merging them with nodes of the same name and version
   * that are already registered. A node that is not registered again within {@code ttl} may be
   * dropped; {@link Duration#ZERO} means no expiry.
   */
  void register(Service service, Duration ttl);

  /** Removes the nodes of {@code service}; the version disappears when it has no node left. */
  void deregister(Service service);

  /**
   * Every version of the named service, each with its nodes; an empty list when none is known.
   */
  List<Service> getService(String name);

  /** Every known service, one entry per name and version; nodes may be omitted. */
  List<Service> listServices();

  /**
   * Watches registrations. The watcher reports changes made after it was created.
   *
   * @param service the service to watch, or an empty string for every service
   */
  Watcher watch(String service);

  /** Releases the resources of this registry; registrations made through it may be withdrawn. */
  @Override
  void close();
}
