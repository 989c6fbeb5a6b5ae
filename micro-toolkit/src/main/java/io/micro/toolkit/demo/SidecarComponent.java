package io.micro.toolkit.demo;

import io.micro.toolkit.Toolkit;
import io.micro.toolkit.sidecar.Sidecar;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The sidecar ({@code micro sidecar}) as a demo component. */
final class SidecarComponent implements Component {

  private final String address;
  private @Nullable Sidecar sidecar;

  SidecarComponent(String address) {
    this.address = address;
  }

  @Override
  public String name() {
    return "sidecar";
  }

  @Override
  public synchronized List<String> start(Toolkit toolkit) {
    sidecar = Sidecar.builder().registry(toolkit.registry()).client(toolkit.client())
        .broker(toolkit.broker()).address(address).build().start();
    return List.of(sidecar.url() + "  (sidecar: /registry, /rpc, /broker websocket)");
  }

  @Override
  public synchronized void close() {
    if (sidecar != null) {
      sidecar.close();
      sidecar = null;
    }
  }
}
