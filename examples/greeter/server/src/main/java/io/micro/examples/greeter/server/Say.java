package io.micro.examples.greeter.server;

import io.micro.examples.greeter.Request;
import io.micro.examples.greeter.Response;

/**
 * The greeter's handler: its public method {@code hello} is the endpoint {@code Say.Hello}.
 *
 * <p>Stateless and safe for concurrent use; the server may call it from any thread.
 */
public final class Say {

  /** Answers {@code Hello <name>}. */
  public Response hello(Request request) {
    return Response.newBuilder().setMsg("Hello " + request.getName()).build();
  }
}
