/** See DESIGN: io.micro.transport.http. */
@NullMarked
package io.micro.transport.http;

import org.jspecify.annotations.NullMarked;
