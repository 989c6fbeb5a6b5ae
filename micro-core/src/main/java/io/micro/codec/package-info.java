/** See DESIGN: io.micro.codec. */
@NullMarked
package io.micro.codec;

import org.jspecify.annotations.NullMarked;
