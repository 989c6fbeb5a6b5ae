/**
 * The greeter client of go-micro's examples on Micro for Java: one call of {@code Say.Hello}
 * through {@link io.micro.examples.greeter.SayClient}, the client micro-protoc generates.
 */
@NullMarked
package io.micro.examples.greeter.client;

import org.jspecify.annotations.NullMarked;
