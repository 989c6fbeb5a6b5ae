package io.micro.toolkit.demo;

import io.micro.toolkit.Toolkit;
import io.micro.toolkit.api.ApiGateway;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The API gateway ({@code micro api}, rpc handler, {@code /rpc} on) as a demo component. */
final class ApiComponent implements Component {

  private final String address;
  private @Nullable ApiGateway api;

  ApiComponent(String address) {
    this.address = address;
  }

  @Override
  public String name() {
    return "api";
  }

  @Override
  public synchronized List<String> start(Toolkit toolkit) {
    api = ApiGateway.builder().address(address).enableRpc(true).enableStats(true)
        .client(io.micro.client.Client.builder().transport(toolkit.transport()))
        .selector(toolkit.selector()).broker(toolkit::broker).build().start();
    return List.of(api.url() + "  (API gateway: /greeter/say/hello -> go.micro.api.greeter Say.Hello; /rpc)");
  }

  @Override
  public synchronized void close() {
    if (api != null) {
      api.close();
      api = null;
    }
  }
}
