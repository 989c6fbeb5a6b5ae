/** See DESIGN: io.micro.errors. */
@NullMarked
package io.micro.errors;

import org.jspecify.annotations.NullMarked;
