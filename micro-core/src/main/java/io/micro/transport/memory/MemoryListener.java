package io.micro.transport.memory;

import io.micro.transport.Listener;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A listener of a {@link MemoryTransport}: an address table entry and its accepted connections. */
final class MemoryListener implements Listener {
  private final MemoryTransport transport;
  private final String address;
  private final Handler handler;
  private final Set<MemorySocket> accepted = ConcurrentHashMap.newKeySet();

  MemoryListener(MemoryTransport transport, String address, Handler handler) {
    this.transport = transport;
    this.address = address;
    this.handler = handler;
  }

  MemorySocket accept() {
    String clientAddress = transport.nextClientAddress();
    MemorySocket server = new MemorySocket(transport, this, handler, address, clientAddress);
    MemorySocket client = new MemorySocket(transport, null, null, clientAddress, address);
    server.connect(client);
    client.connect(server);
    accepted.add(server);
    return client;
  }

  void closed(MemorySocket server) {
    accepted.remove(server);
  }

  @Override
  public String address() {
    return address;
  }

  @Override
  public void stopAccepting() {
    transport.remove(this);
  }

  @Override
  public void close() {
    transport.remove(this);
    for (MemorySocket s : accepted) {
      s.close();
    }
  }
}
