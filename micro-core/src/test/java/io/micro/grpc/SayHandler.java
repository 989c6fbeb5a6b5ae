package io.micro.grpc;

import io.micro.errors.MicroException;
import io.micro.grpc.testproto.Request;
import io.micro.grpc.testproto.Response;
import io.micro.metadata.Metadata;
import io.micro.stream.BidiStream;
import io.micro.stream.StreamReceiver;
import io.micro.stream.StreamSender;

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

  /** Sends {@code count} greetings. */
  public void stream(Request request, StreamSender<Response> out) {
    for (int i = 0; i < request.getCount(); i++) {
      out.send(Response.newBuilder().setMsg(request.getName() + " " + i).build());
    }
  }

  /** Joins the names of every request. */
  public Response sum(StreamReceiver<Request> in) {
    StringBuilder names = new StringBuilder();
    for (Request r = in.receive(); r != null; r = in.receive()) {
      names.append(r.getName());
    }
    return Response.newBuilder().setMsg(names.toString()).build();
  }

  /** Answers every request at once. */
  public void chat(BidiStream<Request, Response> stream) {
    for (Request r = stream.receive(); r != null; r = stream.receive()) {
      stream.send(Response.newBuilder().setMsg("re: " + r.getName()).build());
    }
  }
}
