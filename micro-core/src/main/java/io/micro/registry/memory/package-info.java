/** See DESIGN: io.micro.registry.memory. */
@NullMarked
package io.micro.registry.memory;

import org.jspecify.annotations.NullMarked;
