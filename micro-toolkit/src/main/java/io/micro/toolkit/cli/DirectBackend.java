package io.micro.toolkit.cli;

import io.micro.client.CallOptions;
import io.micro.client.PublishOptions;
import io.micro.client.Request;
import io.micro.metadata.Metadata;
import io.micro.registry.Service;
import io.micro.toolkit.Toolkit;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/** The toolkit's registry, client and broker. */
final class DirectBackend implements Backend {
  private final Toolkit toolkit;

  DirectBackend(Toolkit toolkit) {
    this.toolkit = toolkit;
  }

  @Override
  public List<String> listServices() {
    TreeSet<String> names = new TreeSet<>();
    for (Service s : toolkit.registry().listServices()) {
      names.add(s.name());
    }
    return List.copyOf(names);
  }

  @Override
  public List<Service> getService(String name) {
    return toolkit.registry().getService(name);
  }

  @Override
  public void register(Service service, Duration ttl) {
    toolkit.registry().register(service, ttl);
  }

  @Override
  public void deregister(Service service) {
    toolkit.registry().deregister(service);
  }

  @Override
  public byte[] call(String service, String endpoint, byte[] request, Map<String, String> metadata,
      @Nullable String address) {
    Request req = Request.json(service, endpoint, request).withMetadata(Metadata.of(metadata));
    CallOptions options = address == null ? CallOptions.DEFAULT : CallOptions.DEFAULT.withAddress(address);
    return toolkit.client().call(req, byte[].class, options);
  }

  @Override
  public void publish(String topic, byte[] message, Map<String, String> metadata) {
    PublishOptions options = PublishOptions.DEFAULT.withContentType("application/json")
        .withMetadata(Metadata.of(metadata));
    toolkit.publisher().publish(topic, message, options);
  }
}
