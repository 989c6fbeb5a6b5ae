/**
 * The {@code memory} broker: an in-process {@link io.micro.broker.Broker} for tests, with the
 * semantics of a durable backend (queue groups that retain events, acknowledgement, redelivery,
 * dead letters) so that code written against a real broker can be tested without one.
 */
@NullMarked
package io.micro.broker.memory;

import org.jspecify.annotations.NullMarked;
