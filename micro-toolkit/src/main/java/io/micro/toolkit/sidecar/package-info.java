/**
 * {@code micro sidecar}: go-micro's registry, RPC client and broker over plain HTTP and websockets,
 * for applications written in any language ({@link io.micro.toolkit.sidecar.Sidecar}), and the
 * command that runs it ({@link io.micro.toolkit.sidecar.SidecarCommand}).
 */
@NullMarked
package io.micro.toolkit.sidecar;

import org.jspecify.annotations.NullMarked;
