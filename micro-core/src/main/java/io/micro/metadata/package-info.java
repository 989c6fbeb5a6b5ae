/**
 * Request metadata and the request context it travels in: {@link io.micro.metadata.Metadata} holds
 * the headers of a call with canonical keys, {@link io.micro.metadata.Metadata#current()} and
 * {@link io.micro.metadata.Deadline#remaining()} describe the request the calling thread is serving,
 * and the client carries both into nested calls, as go-micro carries its context.
 */
@NullMarked
package io.micro.metadata;

import org.jspecify.annotations.NullMarked;
