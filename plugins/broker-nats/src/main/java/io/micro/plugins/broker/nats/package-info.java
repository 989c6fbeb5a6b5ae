/**
 * The {@code nats} broker plugin: {@link io.micro.plugins.broker.nats.NatsBroker} publishes
 * go-micro's broker message JSON ({@code {"Header":{...},"Body":"<base64>"}}) on the subject named
 * by the topic and subscribes with NATS (queue) subscriptions, so that Go services using go-micro's
 * NATS broker and Java services share topics. An optional JetStream mode stores events in streams
 * and acknowledges them only after the handler returned, with redelivery and dead-lettering.
 * {@link io.micro.plugins.broker.nats.NatsBrokerProvider} makes it selectable with
 * {@code --broker=nats}.
 */
@NullMarked
package io.micro.plugins.broker.nats;

import org.jspecify.annotations.NullMarked;
