package io.micro;

import io.micro.broker.Broker;
import io.micro.broker.spi.BrokerProvider;
import io.micro.client.CallWrapper;
import io.micro.client.Client;
import io.micro.cmd.Options;
import io.micro.cmd.Plugins;
import io.micro.registry.Registry;
import io.micro.registry.spi.RegistryProvider;
import io.micro.selector.Selector;
import io.micro.selector.spi.SelectorProvider;
import io.micro.server.ExecutionMode;
import io.micro.server.HandlerWrapper;
import io.micro.server.Server;
import io.micro.server.SubscriberWrapper;
import io.micro.transport.Transport;
import io.micro.transport.spi.TransportProvider;
import java.time.Duration;
import java.util.Deque;
import org.jspecify.annotations.Nullable;

/** Builds the parts of a service in dependency order, recording what it created in {@code owned}. */
final class ServiceAssembly {
  private ServiceAssembly() {}

  /** A handler given to the builder, with its name or null for the class's simple name. */
  record Handler(@Nullable String name, Object handler) {}

  static Service assemble(Service.Builder b, Options o, Plugins p, Deque<AutoCloseable> owned) {
    Registry registry = b.registry();
    if (o.registry() != null || registry == null) {
      registry = p.registry(o.registry() != null ? o.registry() : "mdns",
          new RegistryProvider.Config(o.registryAddress(), Duration.ZERO));
      owned.push(registry);
    }
    Transport transport = b.transport();
    if (o.transport() != null || transport == null) {
      transport = p.transport(o.transport() != null ? o.transport() : "http",
          new TransportProvider.Config(o.transportAddress(), b.maxMessageSize()));
      owned.push(transport);
    }
    Selector selector = b.selector();
    if (o.selector() != null || selector == null) {
      selector = p.selector(o.selector() != null ? o.selector() : "registry",
          new SelectorProvider.Config(registry));
      owned.push(selector::close);
    }
    Broker broker = broker(b, o, p, registry, owned);
    Server server = server(b, o, registry, transport, broker);
    Client.Builder cb = Client.builder().selector(selector).transport(transport).codecs(b.codecs())
        .broker(broker)
        .wrap(b.callWrappers().toArray(new CallWrapper[0]));
    if (o.clientRetries() != null) {
      cb.retries(o.clientRetries());
    }
    if (o.clientRequestTimeout() != null) {
      cb.requestTimeout(o.clientRequestTimeout());
    }
    if (o.clientPoolSize() != null) {
      cb.poolSize(o.clientPoolSize());
    }
    if (o.clientPoolTtl() != null) {
      cb.poolTtl(o.clientPoolTtl());
    }
    Client client = cb.build();
    return new Service(server, client, registry, selector, transport, broker, o, owned);
  }

  /** The broker: the builder's, or the one {@code --broker} names (default {@code http}). */
  private static Broker broker(Service.Builder b, Options o, Plugins p, Registry registry,
      Deque<AutoCloseable> owned) {
    Broker broker = b.broker();
    if (o.broker() != null || broker == null) {
      broker = p.broker(o.broker() != null ? o.broker() : "http",
          new BrokerProvider.Config(o.brokerAddress(), registry, b.maxMessageSize()));
      owned.push(broker);
    }
    return broker;
  }

  private static Server server(Service.Builder b, Options o, Registry registry, Transport transport,
      Broker broker) {
    Server.Builder sb = Server.builder()
        .broker(broker)
        .wrapSubscriber(b.subscriberWrappers().toArray(new SubscriberWrapper[0]))
        .name(o.serverName() != null ? o.serverName() : b.name())
        .registry(registry)
        .transport(transport)
        .codecs(b.codecs())
        .maxMessageSize(b.maxMessageSize())
        .wrap(b.handlerWrappers().toArray(new HandlerWrapper[0]))
        .metadata(o.serverMetadata().isEmpty() ? b.metadata() : o.serverMetadata());
    String version = o.serverVersion() != null ? o.serverVersion() : b.version();
    if (version != null) {
      sb.version(version);
    }
    if (o.serverId() != null) {
      sb.id(o.serverId());
    }
    String address = o.serverAddress() != null ? o.serverAddress() : b.address();
    if (address != null) {
      sb.address(address);
    }
    if (o.serverAdvertise() != null) {
      sb.advertise(o.serverAdvertise());
    }
    ExecutionMode mode = o.serverExecution() != null ? o.serverExecution() : b.executionMode();
    if (mode != null) {
      sb.executionMode(mode);
    }
    if (b.gracePeriod() != null) {
      sb.gracePeriod(b.gracePeriod());
    }
    if (o.registerTtl() != null) {
      sb.registerTtl(o.registerTtl());
    }
    if (o.registerInterval() != null) {
      sb.registerInterval(o.registerInterval());
    }
    Server server = sb.build();
    for (Handler h : b.handlers()) {
      if (h.name() == null) {
        server.handle(h.handler());
      } else {
        server.handle(h.name(), h.handler());
      }
    }
    return server;
  }
}
