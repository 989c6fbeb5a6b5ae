/**
 * For transport authors: {@link io.micro.transport.spi.TransportProvider} makes a transport
 * selectable by name ({@code --transport=http}) through {@link java.util.ServiceLoader}, and
 * {@link io.micro.transport.spi.ReceiveQueue} is the client-side inbox every transport needs
 * (ordered delivery, one pending receive, timeouts, terminal failure).
 */
@NullMarked
package io.micro.transport.spi;

import org.jspecify.annotations.NullMarked;
