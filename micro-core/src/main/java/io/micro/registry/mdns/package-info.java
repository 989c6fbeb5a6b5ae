/** See DESIGN: io.micro.registry.mdns. */
@NullMarked
package io.micro.registry.mdns;

import org.jspecify.annotations.NullMarked;
