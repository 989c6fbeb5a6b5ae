package io.micro.toolkit.demo;

import io.micro.toolkit.Toolkit;
import io.micro.toolkit.web.WebServer;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The web dashboard and proxy ({@code micro web}) as a demo component. */
final class WebComponent implements Component {

  private final String address;
  private @Nullable WebServer web;

  WebComponent(String address) {
    this.address = address;
  }

  @Override
  public String name() {
    return "web";
  }

  @Override
  public synchronized List<String> start(Toolkit toolkit) {
    web = WebServer.builder(toolkit.registry(), toolkit.selector(), toolkit.client())
        .address(address).enableStats(true).register("go.micro.web").build().start();
    return List.of(web.url() + "/  (dashboard; call form: " + web.url()
        + "/call?service=go.micro.srv.greeter&endpoint=Say.Hello)");
  }

  @Override
  public synchronized void close() {
    if (web != null) {
      web.close();
      web = null;
    }
  }
}
