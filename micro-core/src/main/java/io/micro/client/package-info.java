/** See DESIGN: io.micro.client. */
@NullMarked
package io.micro.client;

import org.jspecify.annotations.NullMarked;
