package io.micro.examples.greeter.server;

import io.micro.errors.MicroException;
import io.micro.examples.greeter.GreetingsRequest;
import io.micro.examples.greeter.Request;
import io.micro.examples.greeter.Response;
import io.micro.examples.greeter.SayHandler;
import io.micro.stream.BidiStream;
import io.micro.stream.StreamSender;

/**
 * The greeter's handler: implements the interface micro-protoc generated from {@code greeter.proto},
 * so {@code hello} is the endpoint {@code Say.Hello}, {@code greetings} {@code Say.Greetings} and
 * {@code chat} {@code Say.Chat}.
 *
 * <p>Stateless and safe for concurrent use; the server may call it from any thread.
 */
public final class Say implements SayHandler {
  /** The most greetings one {@code Say.Greetings} call may ask for. */
  static final int MAX_GREETINGS = 1000;

  /** Answers {@code Hello <name>}. */
  @Override
  public Response hello(Request request) {
    return greet(request.getName());
  }

  /**
   * Sends {@code Hello <name> (i/count)} {@code count} times.
   *
   * @throws MicroException 400 when {@code count} is not between 1 and {@value #MAX_GREETINGS}
   */
  @Override
  public void greetings(GreetingsRequest request, StreamSender<Response> responses) {
    int count = request.getCount();
    if (count < 1 || count > MAX_GREETINGS) {
      throw MicroException.badRequest("go.micro.srv.greeter",
          "count: %d (expected: 1 to %d)", count, MAX_GREETINGS);
    }
    for (int i = 1; i <= count; i++) {
      responses.send(Response.newBuilder()
          .setMsg("Hello " + request.getName() + " (" + i + "/" + count + ")").build());
    }
  }

  /** Answers every request with {@code Hello <name>} until the client ends its side. */
  @Override
  public void chat(BidiStream<Request, Response> stream) {
    for (Request r = stream.receive(); r != null; r = stream.receive()) {
      stream.send(greet(r.getName()));
    }
  }

  private static Response greet(String name) {
    return Response.newBuilder().setMsg("Hello " + name).build();
  }
}
