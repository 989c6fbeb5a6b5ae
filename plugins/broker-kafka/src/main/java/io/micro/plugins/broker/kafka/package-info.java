/**
 * The Kafka broker ({@code --broker=kafka}): Micro's publish/subscribe on Apache Kafka through
 * kafka-clients. A topic is a Kafka topic (created on first use), an event is one record (by default
 * in go-micro's JSON envelope, so Go services on the same cluster understand it), {@code Micro-Key}
 * is the record key (one key, one partition, one order), a queue is a consumer group and a plain
 * subscriber is a consumer group of its own. Offsets are committed only once the handler returned,
 * so delivery is at least once; a failing handler gets its event again and then the dead-letter
 * topic. Start with {@link io.micro.plugins.broker.kafka.KafkaBroker#builder()}.
 */
@NullMarked
package io.micro.plugins.broker.kafka;

import org.jspecify.annotations.NullMarked;
