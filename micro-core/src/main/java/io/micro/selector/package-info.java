/** See DESIGN: io.micro.selector. */
@NullMarked
package io.micro.selector;

import org.jspecify.annotations.NullMarked;
