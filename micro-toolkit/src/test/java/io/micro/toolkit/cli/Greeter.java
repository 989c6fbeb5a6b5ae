package io.micro.toolkit.cli;

import io.micro.errors.MicroException;
import io.micro.metadata.Metadata;
import io.micro.stream.StreamSender;
import java.util.List;

/** A greeter like micro's example, served by the tests. */
final class Greeter {
  private Greeter() {}

  record Request(String name) {}

  record Response(String msg) {}

  record Page(String name, List<Response> items) {}

  /** {@code Say.Hello}, {@code Say.Who} (echoes metadata) and {@code Say.Fail}. */
  public static final class Say {
    public Response hello(Request request) {
      if (request.name() == null || request.name().isBlank()) {
        throw MicroException.badRequest("go.micro.srv.greeter", "Name cannot be blank");
      }
      return new Response("Hello " + request.name());
    }

    public Response who(Metadata md, Request request) {
      return new Response(request.name() + " from " + md.get("X-User").orElse("nobody"));
    }

    /** Streams three greetings. */
    public void stream(Request request, StreamSender<Response> out) {
      for (int i = 1; i <= 3; i++) {
        out.send(new Response("Hello " + request.name() + " " + i));
      }
    }

    /** Streams one greeting, then fails. */
    public void streamFail(Request request, StreamSender<Response> out) {
      out.send(new Response("first"));
      throw MicroException.conflict("go.micro.srv.greeter", "stop after one");
    }

    public Page page(Request request) {
      return new Page(request.name(), List.of(new Response("a"), new Response("b")));
    }
  }
}
