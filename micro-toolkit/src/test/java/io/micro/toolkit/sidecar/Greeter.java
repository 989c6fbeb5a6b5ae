package io.micro.toolkit.sidecar;

import io.micro.errors.MicroException;
import io.micro.metadata.Metadata;

/** The greeter of go-micro's examples ({@code go.micro.srv.greeter}, {@code Say.Hello}) for the tests. */
final class Greeter {
  static final String SERVICE = "go.micro.srv.greeter";

  private Greeter() {}

  /** {@code Request{string name = 1}}. */
  record Request(String name) {}

  /** {@code Response{string msg = 1}}. */
  record Response(String msg) {}

  /** The handler {@code Say}. */
  public static final class Say {
    /** {@code Say.Hello}. */
    public Response hello(Request request) {
      return new Response("Hello " + request.name());
    }

    /** {@code Say.Fail}: a go-micro error with its own code. */
    public Response fail(Request request) {
      throw MicroException.conflict(SERVICE, "already greeted %s", request.name());
    }

    /** {@code Say.Whoami}: the caller's {@code X-User-Id} metadata. */
    public Response whoami(Metadata md, Request request) {
      return new Response(md.get("X-User-Id").orElse("?"));
    }

    /** {@code Say.Slow}: answers after a second. */
    public Response slow(Request request) throws InterruptedException {
      Thread.sleep(1000);
      return new Response("Slow " + request.name());
    }
  }
}
