/**
 * Configuration from the command line and the environment, and plugins by name: {@link
 * io.micro.cmd.Flags} reads go-micro's flags ({@code --registry=mdns --server_address=...}) and
 * their {@code MICRO_*} environment variables into immutable {@link io.micro.cmd.Options} (flags win
 * over the environment), and {@link io.micro.cmd.Plugins} finds registries, transports and selectors
 * by the name users give, through {@link java.util.ServiceLoader}.
 */
@NullMarked
package io.micro.cmd;

import org.jspecify.annotations.NullMarked;
