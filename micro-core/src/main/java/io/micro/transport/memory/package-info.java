/**
 * An in-process {@link io.micro.transport.Transport} with the semantics of the HTTP one (replies
 * echo the connection's first request headers, a 413 for oversized messages, connection errors
 * naming the address) and no sockets: the fake that tests and single-JVM setups use.
 */
@NullMarked
package io.micro.transport.memory;

import org.jspecify.annotations.NullMarked;
