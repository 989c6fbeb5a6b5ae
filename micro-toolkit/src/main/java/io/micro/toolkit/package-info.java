/**
 * The {@code micro} command ({@link io.micro.toolkit.Micro}): CLI, sidecar, API gateway and web
 * dashboard over micro-core, with the standard plugins on its class path.
 */
@NullMarked
package io.micro.toolkit;

import org.jspecify.annotations.NullMarked;
