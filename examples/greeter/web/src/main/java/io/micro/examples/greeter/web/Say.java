package io.micro.examples.greeter.web;

import io.micro.examples.greeter.Request;
import io.micro.examples.greeter.Response;

/** The web app's view of the greeter's handler: {@code hello} calls {@code Say.Hello}. */
public interface Say {

  /** Calls {@code Say.Hello}; throws {@link io.micro.errors.MicroException} on failure. */
  Response hello(Request request);
}
