/** See DESIGN: io.micro.transport. */
@NullMarked
package io.micro.transport;

import org.jspecify.annotations.NullMarked;
