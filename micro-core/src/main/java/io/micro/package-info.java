/**
 * The entry point: {@link io.micro.Service} composes a server, a client, a registry, a selector and a
 * transport from code, {@code MICRO_*} environment variables and command-line flags, and runs until
 * the process is asked to stop. Each part lives in its own package ({@code io.micro.server},
 * {@code io.micro.client}, {@code io.micro.registry}, ...) and can be used alone.
 */
@NullMarked
package io.micro;

import org.jspecify.annotations.NullMarked;
