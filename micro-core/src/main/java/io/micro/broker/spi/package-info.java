/**
 * For broker plugins: {@link io.micro.broker.spi.BrokerProvider} makes a broker selectable by
 * name with {@code --broker}, and {@link io.micro.broker.spi.BaseDelivery} gives every broker the
 * same acknowledgement, redelivery, dead-letter and logging behaviour.
 * {@link io.micro.broker.spi.GoMicroMessage} is go-micro's broker message JSON, byte for byte, for
 * brokers that carry an event as one opaque payload.
 */
@NullMarked
package io.micro.broker.spi;

import org.jspecify.annotations.NullMarked;
