package io.micro.examples.greeter.server;

import io.micro.Service;
import io.micro.examples.greeter.Request;
import io.micro.examples.greeter.SayClient;
import io.micro.examples.greeter.SayHandler;
import org.slf4j.LoggerFactory;

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
        .name(SayClient.SERVICE) // go.micro.srv.greeter: the proto package
        .args(args)
        .build();
    SayHandler.register(service.server(), new Say()); // Say.Hello, Say.Greetings, Say.Chat
    // also a subscriber: logs every message published on the service's own topic
    service.server().subscribe(SayClient.SERVICE, Request.class, (md, req) ->
        LoggerFactory.getLogger(GreeterServer.class).info("received message name={} metadata={}",
            req.getName(), md));
    service.run();
  }
}
