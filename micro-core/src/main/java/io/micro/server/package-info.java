/** See DESIGN: io.micro.server. */
@NullMarked
package io.micro.server;

import org.jspecify.annotations.NullMarked;
