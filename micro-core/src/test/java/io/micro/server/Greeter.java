package io.micro.server;

import com.google.protobuf.StringValue;
import io.micro.errors.MicroException;
import io.micro.metadata.Metadata;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The greeter of go-micro's examples, as the tests' handler. */
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

    /** {@code Say.Fail}: a go-micro error. */
    public Response fail(Request request) {
      throw MicroException.notFound(SERVICE, "no such user: %s", request.name());
    }

    /** {@code Say.PlainFail}: any other exception. */
    public Response plainFail(Request request) {
      throw new IllegalStateException("database down while greeting " + request.name());
    }

    /** {@code Say.Whoami}: reads metadata from the parameter and from the thread. */
    public Response whoami(Metadata md, Request request) {
      return new Response(md.get("X-User").orElse("?") + "/" + Metadata.current().get("X-User").orElse("?")
          + "/" + md.get("Remote").isPresent() + "/" + Deadline.remaining().isPresent());
    }

    /** {@code Say.Later}: asynchronous. */
    public CompletionStage<Response> later(Request request) {
      return CompletableFuture.supplyAsync(() -> new Response("Later " + request.name()));
    }

    /** {@code Say.LaterFail}: asynchronous failure. */
    public CompletionStage<Response> laterFail(Request request) {
      return CompletableFuture.failedFuture(MicroException.conflict(SERVICE, "already greeted %s", request.name()));
    }
  }

  /** A handler speaking real protobuf: {@code StringValue} has the wire form of {@code Request{string name = 1}}. */
  public static final class Proto {
    /** {@code Proto.Hello}. */
    public StringValue hello(StringValue name) {
      return StringValue.of("Hello " + name.getValue());
    }
  }
}
