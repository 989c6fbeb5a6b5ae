/** See DESIGN: io.micro.registry.spi. */
@NullMarked
package io.micro.registry.spi;

import org.jspecify.annotations.NullMarked;
