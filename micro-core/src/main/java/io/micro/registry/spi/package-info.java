/**
 * The plugin author's side of service discovery: {@link io.micro.registry.spi.RegistryProvider}
 * makes a registry selectable by name ({@code --registry=mdns}) through {@link
 * java.util.ServiceLoader}, and {@link io.micro.registry.spi.QueueWatcher} is the ready-made
 * watcher every registry implementation can feed, so that watches behave the same whatever the
 * backend. Applications do not need this package.
 */
@NullMarked
package io.micro.registry.spi;

import org.jspecify.annotations.NullMarked;
