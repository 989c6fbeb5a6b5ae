/**
 * An in-process registry, {@link io.micro.registry.memory.MemoryRegistry}, selected as {@code
 * memory}: services registered in one JVM are found by clients in the same JVM, with per-node TTLs
 * and watches that report every change in order. It is the fake that tests use instead of mocks and
 * the simplest registry to develop against; it never touches the network.
 */
@NullMarked
package io.micro.registry.memory;

import org.jspecify.annotations.NullMarked;
