package io.micro.client;

import io.micro.transport.Transport;
import io.micro.transport.http.HttpTransport;

/**
 * {@link ClientServerTest} over the HTTP transport: the same calls between the client and the real
 * server, on loopback TCP sockets with go-micro's HTTP framing.
 */
class ClientServerIT extends ClientServerTest {

  @Override
  protected Transport newTransport() {
    return HttpTransport.create();
  }
}
