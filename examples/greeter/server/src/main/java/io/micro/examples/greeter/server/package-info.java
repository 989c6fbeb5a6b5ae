/**
 * The greeter server of go-micro's examples on Micro for Java: service {@code
 * go.micro.srv.greeter} with one handler, {@link io.micro.examples.greeter.server.Say}, which
 * implements the interface micro-protoc generates.
 */
@NullMarked
package io.micro.examples.greeter.server;

import org.jspecify.annotations.NullMarked;
