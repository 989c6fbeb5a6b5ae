package io.micro.grpc;

import io.micro.errors.MicroException;
import io.micro.grpc.testproto.Request;
import io.micro.grpc.testproto.Response;
import io.micro.metadata.Metadata;

/** The micro handler behind {@code micro.test.Say} in the gRPC tests. */
public final class SayHandler {

  /** Greets; echoes the {@code X-User} metadata and the payload. */
  public Response hello(Metadata md, Request request) {
    String user = md.get("X-User").map(u -> " (" + u + ")").orElse("");
    return Response.newBuilder().setMsg("Hello " + request.getName() + user)
        .setPayload(request.getPayload()).build();
  }

  /** Fails with the micro error code given as {@code count}. */
  public Response fail(Request request) {
    throw MicroException.of("micro.test", request.getCount(), "failing as asked: " + request.getName());
  }
}
