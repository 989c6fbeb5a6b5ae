/**
 * Node selection for the client: a {@link io.micro.selector.Selector} looks a service up in the
 * registry, narrows its versions and nodes with {@link io.micro.selector.Filter}s (by version,
 * node metadata or endpoint) and walks the rest with a {@link io.micro.selector.Strategy} (random
 * or round robin), handing the client a {@link io.micro.selector.Next} to draw nodes from. The
 * default is {@link io.micro.selector.CacheSelector} ({@code cache}): nodes cached per service and
 * kept current by the registry's watch, still served when the registry is down, with failing nodes
 * blacklisted for a cool-down; {@link io.micro.selector.RegistrySelector} ({@code registry}) is the
 * plain one that looks the registry up (with a one-second cache).
 */
@NullMarked
package io.micro.selector;

import org.jspecify.annotations.NullMarked;
