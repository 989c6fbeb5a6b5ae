/**
 * Service discovery: a {@link io.micro.registry.Registry} is where servers register the nodes
 * that serve a service (name, version, endpoints, {@code host:port} addresses and metadata) and
 * where clients look them up or {@link io.micro.registry.Watcher watch} them change. The records
 * ({@link io.micro.registry.Service}, {@link io.micro.registry.Node}, {@link
 * io.micro.registry.Endpoint}, {@link io.micro.registry.Value}) serialise to go-micro's JSON, so
 * Java and Go services share one registry. Implementations: {@code memory} and {@code mdns} here,
 * others as plugins.
 */
@NullMarked
package io.micro.registry;

import org.jspecify.annotations.NullMarked;
