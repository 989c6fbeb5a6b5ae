/** See DESIGN: io.micro.registry. */
@NullMarked
package io.micro.registry;

import org.jspecify.annotations.NullMarked;
