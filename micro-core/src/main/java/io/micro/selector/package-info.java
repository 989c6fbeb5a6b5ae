/**
 * Node selection for the client: a {@link io.micro.selector.Selector} looks a service up in the
 * registry, narrows its versions and nodes with {@link io.micro.selector.Filter}s (by version,
 * node metadata or endpoint) and walks the rest with a {@link io.micro.selector.Strategy} (random
 * or round robin), handing the client a {@link io.micro.selector.Next} to draw nodes from. The
 * default implementation is {@link io.micro.selector.RegistrySelector}.
 */
@NullMarked
package io.micro.selector;

import org.jspecify.annotations.NullMarked;
