package io.micro.selector;

import io.micro.registry.Node;
import io.micro.registry.Registry;
import org.jspecify.annotations.Nullable;

/**
 * Chooses the node a call goes to: looks the service up, keeps the versions and nodes that pass the
 * {@link Filter filters}, and hands them to a {@link Strategy} that yields nodes one after another.
 *
 * <p>Implementations are safe for concurrent use; whoever builds a selector closes it.
 *
 * <pre>{@code
 * Selector selector = Selector.create(registry);
 * Next next = selector.select("go.micro.srv.greeter",
 *     SelectOptions.builder().filter(Filter.version("latest")).strategy(Strategy.roundRobin()).build());
 * Node node = next.get();
 * }</pre>
 */
public interface Selector extends AutoCloseable {

  /** The name this selector is chosen by ({@code --selector=NAME}), e.g. {@code registry}. */
  String name();

  /**
   * The nodes of {@code service} that pass {@code options}' filters, as a supplier following its
   * strategy.
   *
   * @throws io.micro.errors.MicroException 500 {@code service <name>: not found} when the registry
   *     knows no node of the service, 500 {@code error selecting <name> node: none available} when
   *     none survives the filters
   */
  Next select(String service, SelectOptions options);

  /** {@link #select(String, SelectOptions)} with {@link SelectOptions#DEFAULT}: every node, at random. */
  default Next select(String service) {
    return select(service, SelectOptions.DEFAULT);
  }

  /**
   * Reports the outcome of a call to {@code node}: {@code error} is null on success. A selector may
   * use it to avoid failing nodes or to refresh what it knows about {@code service}.
   */
  void mark(String service, Node node, @Nullable Throwable error);

  /** Releases what the selector holds (caches, watches); it does not close the registry. */
  @Override
  void close();

  /** A {@link RegistrySelector} over {@code registry} with default settings. */
  static Selector create(Registry registry) {
    return RegistrySelector.builder(registry).build();
  }
}
