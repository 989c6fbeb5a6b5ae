/**
 * Pub/sub on RabbitMQ, selected as {@code --broker=rabbitmq}: {@link
 * io.micro.plugins.broker.rabbitmq.RabbitMqBroker} publishes each event to a topic exchange
 * ({@code micro} by default) with the topic as routing key, the event headers as AMQP headers and
 * the body as the raw AMQP body, exactly as go-micro's rabbitmq broker does, so Java and Go services
 * exchange events through one RabbitMQ. A queue group is a queue named after the group; a plain
 * subscriber gets an exclusive server-named queue of its own. Publishes are confirmed by the
 * server, deliveries are acknowledged only after the handler returned, failed events are delivered
 * again with a counted attempt and finally dead-lettered, and a lost connection is recovered with
 * its exchange, queues, bindings and consumers. The client is the RabbitMQ Java client
 * (amqp-client); {@link io.micro.plugins.broker.rabbitmq.RabbitMqBrokerProvider} makes the broker
 * selectable by name through {@link java.util.ServiceLoader}.
 */
@NullMarked
package io.micro.plugins.broker.rabbitmq;

import org.jspecify.annotations.NullMarked;
