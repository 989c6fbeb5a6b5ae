/**
 * Publish-to-deliver benchmarks: one main class per broker, each measuring our plugin and the
 * backend's raw client library against the same server in the same run, loopback only.
 */
@NullMarked
package io.micro.benchmarks.pubsub;

import org.jspecify.annotations.NullMarked;
