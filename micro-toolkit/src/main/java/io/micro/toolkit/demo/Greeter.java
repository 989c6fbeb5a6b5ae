package io.micro.toolkit.demo;

import io.micro.Service;
import io.micro.toolkit.Toolkit;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The demo's greeter: a service (by default {@code go.micro.srv.greeter}) with endpoint {@code
 * Say.Hello}, answering {@code {"msg": "Hello <name>"}} as go-micro's greeter example does.
 */
public final class Greeter implements Component {

  /** The greeter's registry name. */
  public static final String NAME = "go.micro.srv.greeter";

  /** {@code Say.Hello}'s request. */
  public record Request(String name) {}

  /** {@code Say.Hello}'s response. */
  public record Response(String msg) {}

  /** The handler: its public method {@code hello} is the endpoint {@code Say.Hello}. */
  public static final class Say {
    /** Answers {@code Hello <name>}. */
    public Response hello(Request request) {
      return new Response("Hello " + (request.name() == null ? "" : request.name()));
    }
  }

  private final String serviceName;
  private final String address;
  private @Nullable Service service;

  /** {@code go.micro.srv.greeter} listening on {@code address} ({@code host:port}, port 0 picks one). */
  public Greeter(String address) {
    this(NAME, address);
  }

  /** The greeter as service {@code serviceName}, listening on {@code address}. */
  public Greeter(String serviceName, String address) {
    this.serviceName = serviceName;
    this.address = address;
  }

  @Override
  public String name() {
    return "greeter";
  }

  @Override
  public synchronized List<String> start(Toolkit toolkit) {
    Service s = Service.builder().name(serviceName).address(address)
        .registry(toolkit.registry()).selector(toolkit.selector()).transport(toolkit.transport())
        .handler(new Say()).build();
    s.start();
    service = s;
    return List.of(serviceName + " (Say.Hello) at " + s.server().address());
  }

  /** The running service, for tests. */
  synchronized @Nullable Service service() {
    return service;
  }

  @Override
  public synchronized void close() {
    if (service != null) {
      service.close();
      service = null;
    }
  }
}
