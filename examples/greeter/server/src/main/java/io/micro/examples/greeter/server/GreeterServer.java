package io.micro.examples.greeter.server;

import io.micro.Service;

/**
 * Runs the service {@code go.micro.srv.greeter} until SIGTERM or SIGINT.
 *
 * <p>Takes the standard flags and {@code MICRO_*} variables, for example {@code
 * --server_address=127.0.0.1:9090 --registry=mdns}.
 */
public final class GreeterServer {

  private GreeterServer() {}

  /** Starts the service, registers it, and blocks until the process is asked to stop. */
  public static void main(String[] args) {
    Service service = Service.builder()
        .name("go.micro.srv.greeter")
        .args(args)
        .handler(new Say())
        .build();
    service.run();
  }
}
