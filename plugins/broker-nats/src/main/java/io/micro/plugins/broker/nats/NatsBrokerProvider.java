package io.micro.plugins.broker.nats;

import io.micro.broker.Broker;
import io.micro.broker.spi.BrokerProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Provides the {@code nats} broker: {@code --broker=nats --broker_address=host:port[,host:port]}
 * (default {@code 127.0.0.1:4222}). Addresses may be {@code nats://} or {@code tls://} URLs.
 * JetStream durable mode is switched on with the address parameter {@code jetstream=true}, e.g.
 * {@code --broker_address=nats://127.0.0.1:4222?jetstream=true} (on any one address; it applies to
 * the broker). Unknown parameters are refused, naming the parameter.
 */
public final class NatsBrokerProvider implements BrokerProvider {

  /** For {@link java.util.ServiceLoader}. */
  public NatsBrokerProvider() {}

  @Override
  public String name() {
    return "nats";
  }

  @Override
  public Broker create(Config config) {
    List<String> servers = new ArrayList<>();
    boolean jetStream = false;
    for (String address : config.addresses()) {
      int q = address.indexOf('?');
      servers.add(q < 0 ? address : address.substring(0, q));
      if (q < 0) {
        continue;
      }
      for (String param : address.substring(q + 1).split("&")) {
        if (param.isEmpty()) {
          continue;
        }
        int eq = param.indexOf('=');
        String key = (eq < 0 ? param : param.substring(0, eq)).toLowerCase(Locale.ROOT);
        String value = eq < 0 ? "true" : param.substring(eq + 1).toLowerCase(Locale.ROOT);
        if (!key.equals("jetstream")) {
          throw new IllegalArgumentException("broker_address " + address + ": unknown parameter "
              + key + " (expected: jetstream=true|false)");
        }
        if (!value.equals("true") && !value.equals("false")) {
          throw new IllegalArgumentException("broker_address " + address + ": jetstream=" + value
              + " (expected: true or false)");
        }
        jetStream = value.equals("true");
      }
    }
    return NatsBroker.builder()
        .addresses(servers)
        .jetStream(jetStream)
        .maxMessageSize(config.maxMessageSize())
        .build();
  }
}
