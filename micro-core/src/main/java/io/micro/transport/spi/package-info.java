/** See DESIGN: io.micro.transport.spi. */
@NullMarked
package io.micro.transport.spi;

import org.jspecify.annotations.NullMarked;
