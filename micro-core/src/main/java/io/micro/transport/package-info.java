/**
 * Moving messages between clients and servers: a {@link io.micro.transport.Transport} listens on
 * an address and dials others, a {@link io.micro.transport.Socket} carries
 * {@link io.micro.transport.Message}s (headers and an encoded body) both ways on one connection,
 * and a {@link io.micro.transport.Listener} hands every inbound message to its handler. The default
 * implementation, {@code http}, speaks go-micro's HTTP/1.1 framing; {@code memory} is the
 * in-process fake for tests.
 */
@NullMarked
package io.micro.transport;

import org.jspecify.annotations.NullMarked;
