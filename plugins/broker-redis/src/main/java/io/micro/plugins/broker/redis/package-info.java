/**
 * A broker on Redis (Lettuce): every event is sent once, as go-micro's JSON broker message, to a
 * Lua script that {@code PUBLISH}es it on the channel named by the topic (plain subscribers, and
 * go-micro's own Redis broker, hear it there) and appends it with {@code XADD} to the stream
 * {@code <prefix><topic>} when one exists. Queue groups are Redis consumer groups on that stream:
 * an entry is acknowledged ({@code XACK}) only after the handler returned, a failed or abandoned
 * entry is claimed again ({@code XAUTOCLAIM}) and redelivered up to the subscription's limit, then
 * dead-lettered. See {@link io.micro.plugins.broker.redis.RedisBroker}.
 */
@NullMarked
package io.micro.plugins.broker.redis;

import org.jspecify.annotations.NullMarked;
