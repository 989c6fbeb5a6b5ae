/**
 * The greeter client of go-micro's examples on Micro for Java: one call of {@code Say.Hello}
 * through a typed proxy of the {@link io.micro.examples.greeter.client.Say} interface.
 */
@NullMarked
package io.micro.examples.greeter.client;

import org.jspecify.annotations.NullMarked;
