/**
 * The greeter web app of go-micro's examples on Micro for Java: {@code go.micro.web.greeter}, an
 * HTTP server registered in the registry that {@code micro web} serves at {@code /greeter/}.
 */
@NullMarked
package io.micro.examples.greeter.web;

import org.jspecify.annotations.NullMarked;
