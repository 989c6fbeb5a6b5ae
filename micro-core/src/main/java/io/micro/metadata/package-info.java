/** See DESIGN: io.micro.metadata. */
@NullMarked
package io.micro.metadata;

import org.jspecify.annotations.NullMarked;
