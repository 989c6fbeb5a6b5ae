package io.micro.examples.greeter.client;

import io.micro.Service;
import io.micro.examples.greeter.Request;
import io.micro.examples.greeter.Response;
import io.micro.examples.greeter.SayClient;

/**
 * Calls {@code Say.Hello} on {@code go.micro.srv.greeter} once with the name John, through the
 * client micro-protoc generated from {@code greeter.proto}, and prints the reply ({@code Hello
 * John}). On failure prints the error to stderr and exits with status 1.
 *
 * <p>Takes the standard flags and {@code MICRO_*} variables, for example {@code --registry=mdns}.
 */
public final class GreeterClient {

  private GreeterClient() {}

  /** Makes the call and exits. */
  public static void main(String[] args) {
    int status = 0;
    try (Service service = Service.builder().name("go.micro.clt.greeter").args(args).build()) {
      SayClient say = SayClient.create(service.client()); // calls go.micro.srv.greeter
      Response rsp = say.hello(Request.newBuilder().setName("John").build());
      System.out.println(rsp.getMsg());
    } catch (RuntimeException e) {
      System.err.println(e.getMessage());
      status = 1;
    }
    System.exit(status);
  }
}
