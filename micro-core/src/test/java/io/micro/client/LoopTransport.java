package io.micro.client;

import io.micro.errors.MicroException;
import io.micro.transport.Listener;
import io.micro.transport.Message;
import io.micro.transport.Socket;
import io.micro.transport.Transport;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal in-JVM transport for the client's tests, standing in until h-transport's
 * MemoryTransport is merged: listeners live in a map keyed by address, a dial makes a pair of
 * sockets, and the client side buffers replies until {@link Socket#receive} takes them.
 */
final class LoopTransport implements Transport {
  private final Map<String, Listener.Handler> listeners = new ConcurrentHashMap<>();
  private final AtomicInteger ports = new AtomicInteger(40000);

  @Override
  public String name() {
    return "loop";
  }

  @Override
  public Listener listen(String address, Listener.Handler handler) {
    String host = address.substring(0, address.lastIndexOf(':'));
    String bound = address.endsWith(":0") ? host + ":" + ports.incrementAndGet() : address;
    listeners.put(bound, handler);
    return new Listener() {
      @Override
      public String address() {
        return bound;
      }

      @Override
      public void stopAccepting() {
        listeners.remove(bound);
      }

      @Override
      public void close() {
        listeners.remove(bound);
      }
    };
  }

  @Override
  public CompletableFuture<Socket> dial(String address, Duration timeout) {
    Listener.Handler handler = listeners.get(address);
    if (handler == null) {
      return CompletableFuture.failedFuture(new IOException("connection refused: " + address));
    }
    ClientSide client = new ClientSide(address);
    client.server = new ServerSide(client, handler);
    return CompletableFuture.completedFuture(client);
  }

  @Override
  public void close() {
    listeners.clear();
  }

  private static final class ClientSide implements Socket {
    private final String remote;
    private final ArrayDeque<Message> inbox = new ArrayDeque<>();
    private CompletableFuture<Message> pending;
    private volatile boolean open = true;
    ServerSide server;

    ClientSide(String remote) {
      this.remote = remote;
    }

    @Override
    public CompletableFuture<Void> send(Message message) {
      if (!open) {
        return CompletableFuture.failedFuture(new IOException("closed"));
      }
      server.handler.onMessage(server, message);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletableFuture<Message> receive(Duration timeout) {
      Message m = inbox.poll();
      if (m != null) {
        return CompletableFuture.completedFuture(m);
      }
      if (!open) {
        return CompletableFuture.failedFuture(new IOException("closed"));
      }
      CompletableFuture<Message> f = new CompletableFuture<>();
      pending = f;
      CompletableFuture.delayedExecutor(timeout.toNanos(), TimeUnit.NANOSECONDS).execute(() ->
          f.completeExceptionally(MicroException.timeout("go.micro.transport", "no reply in %s", timeout)));
      return f;
    }

    synchronized void deliver(Message m) {
      CompletableFuture<Message> p = pending;
      pending = null;
      if (p == null || !p.complete(m)) {
        inbox.add(m);
      }
    }

    @Override
    public boolean isOpen() {
      return open;
    }

    @Override
    public String local() {
      return "127.0.0.1:1";
    }

    @Override
    public String remote() {
      return remote;
    }

    @Override
    public void close() {
      CompletableFuture<Message> p;
      synchronized (this) {
        if (!open) {
          return;
        }
        open = false;
        p = pending;
      }
      if (p != null) {
        p.completeExceptionally(new IOException("closed"));
      }
      server.handler.onClose(server);
    }
  }

  private static final class ServerSide implements Socket {
    private final ClientSide client;
    final Listener.Handler handler;

    ServerSide(ClientSide client, Listener.Handler handler) {
      this.client = client;
      this.handler = handler;
    }

    @Override
    public CompletableFuture<Void> send(Message message) {
      if (client.open) {
        client.deliver(message);
      }
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Message> receive(Duration timeout) {
      throw new UnsupportedOperationException("server side");
    }

    @Override
    public boolean isOpen() {
      return client.open;
    }

    @Override
    public String local() {
      return client.remote;
    }

    @Override
    public String remote() {
      return "127.0.0.1:1";
    }

    @Override
    public void close() {
      client.close();
    }
  }
}
