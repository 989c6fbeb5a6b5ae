/**
 * Publish/subscribe: a {@link io.micro.broker.Broker} carries {@link io.micro.broker.Event}s
 * (headers and an opaque body) from publishers to the {@link io.micro.broker.EventHandler}s
 * subscribed to a topic, either to every plain subscriber or to one member of each queue group.
 * Acknowledgement, redelivery and dead-lettering follow {@link io.micro.broker.SubscribeOptions}
 * on durable backends. Built in: {@code http} (the default, go-micro's HTTP broker, found through
 * the registry) and {@code memory} (in-process, for tests); others (nats, kafka, rabbitmq, redis,
 * mqtt) are plugins found through {@link io.micro.broker.spi.BrokerProvider}. Servers subscribe
 * typed handlers with {@code Server.subscribe}; clients publish encoded messages with
 * {@code Client.publish}.
 */
@NullMarked
package io.micro.broker;

import org.jspecify.annotations.NullMarked;
