package io.micro.broker.http;

import io.micro.broker.Event;

/**
 * An event the HTTP broker could not deliver to a subscriber node after its retries, handed to
 * {@link HttpBroker.Builder#onDeliveryFailure}.
 *
 * @param topic the topic published on
 * @param event the event
 * @param nodeId the subscriber node id ({@code <topic>-<uuid>})
 * @param address the node's {@code host:port}
 * @param attempts how many times delivery was tried
 * @param cause the last error: a connection failure or a {@link io.micro.errors.MicroException}
 *     carrying the node's non-2xx answer
 */
public record DeliveryFailure(
    String topic, Event event, String nodeId, String address, int attempts, Throwable cause) {}
