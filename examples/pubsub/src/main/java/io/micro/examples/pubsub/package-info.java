/**
 * The pub/sub example: {@link io.micro.examples.pubsub.PublisherService} publishes
 * {@link io.micro.examples.pubsub.PubsubEvent}s to two topics and
 * {@link io.micro.examples.pubsub.SubscriberService} receives them, every instance on the first topic
 * and one instance of its queue group on the second, over the default HTTP broker and mDNS.
 */
@NullMarked
package io.micro.examples.pubsub;

import org.jspecify.annotations.NullMarked;
