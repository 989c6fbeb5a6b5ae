/**
 * Test support for Micro for Java and its plugins: contract kits that every implementation of an
 * interface must pass against its real backend, and {@link io.micro.testing.ExternalServer}, which
 * starts a backend server installed on the machine (etcd, NATS, Redis, …) on loopback for a test,
 * or skips the test with a reason when it is not installed — unless {@code MICRO_IT_REQUIRE=1}, when
 * a missing server fails the test instead.
 */
@NullMarked
package io.micro.testing;

import org.jspecify.annotations.NullMarked;
