package io.micro.transport.http;

import io.micro.transport.Transport;
import io.micro.transport.spi.TransportProvider;

/** Provides {@link HttpTransport} under the name {@code http}. */
public final class HttpTransportProvider implements TransportProvider {

  /** For {@link java.util.ServiceLoader}. */
  public HttpTransportProvider() {}

  /** {@code http}. */
  @Override
  public String name() {
    return "http";
  }

  /** A new HTTP transport with the configured message size limit; addresses are ignored. */
  @Override
  public Transport create(Config config) {
    return HttpTransport.builder().maxMessageSize(config.maxMessageSize()).build();
  }
}
