package io.micro.examples.greeter.client;

import io.micro.examples.greeter.Request;
import io.micro.examples.greeter.Response;

/**
 * The client's view of the greeter's handler: {@code hello} calls the endpoint {@code Say.Hello}.
 */
public interface Say {

  /** Calls {@code Say.Hello}; throws {@link io.micro.errors.MicroException} on failure. */
  Response hello(Request request);
}
