package io.micro.transport.memory;

import io.micro.errors.MicroException;
import io.micro.transport.Listener;
import io.micro.transport.Message;
import io.micro.transport.Socket;
import io.micro.transport.spi.ReceiveQueue;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * One end of an in-process connection. The server end passes messages to the listener's handler and
 * echoes the first request's headers in its replies; the client end queues replies for
 * {@link #receive(Duration)}.
 */
final class MemorySocket implements Socket {
  private final MemoryTransport transport;
  private final @Nullable MemoryListener listener;
  private final Listener.@Nullable Handler handler;
  private final String local;
  private final String remote;
  private final @Nullable ReceiveQueue inbox;
  private @Nullable MemorySocket peer;
  private volatile @Nullable Map<String, String> echo;
  private volatile boolean open = true;

  MemorySocket(MemoryTransport transport, @Nullable MemoryListener listener,
      Listener.@Nullable Handler handler, String local, String remote) {
    this.transport = transport;
    this.listener = listener;
    this.handler = handler;
    this.local = local;
    this.remote = remote;
    this.inbox = handler == null ? new ReceiveQueue(transport.loop(), remote) : null;
  }

  void connect(MemorySocket other) {
    this.peer = other;
  }

  @Override
  public CompletableFuture<Void> send(Message message) {
    MemorySocket to = peer;
    if (!open || to == null || !to.open) {
      return CompletableFuture.failedFuture(brokenConnection());
    }
    Message out = handler != null ? withEcho(message) : message;
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      transport.loop().execute(() -> {
        to.deliver(out);
        done.complete(null);
      });
    } catch (RejectedExecutionException e) {
      done.completeExceptionally(brokenConnection());
    }
    return done;
  }

  @Override
  public CompletableFuture<Message> receive(Duration timeout) {
    if (inbox == null) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("receive: not supported on the server side of " + local));
    }
    return inbox.receive(timeout);
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public String local() {
    return local;
  }

  @Override
  public String remote() {
    return remote;
  }

  @Override
  public void close() {
    if (!open) {
      return;
    }
    open = false;
    closed();
    MemorySocket to = peer;
    if (to != null) {
      try {
        transport.loop().execute(to::peerClosed);
      } catch (RejectedExecutionException e) {
        to.peerClosed();
      }
    }
  }

  /** Runs on the transport thread. */
  private void deliver(Message message) {
    if (!open) {
      return;
    }
    if (inbox != null) {
      inbox.offer(message);
      return;
    }
    if (message.body().length > transport.maxMessageSize()) {
      MicroException e = MicroException.tooLarge("go.micro.server", "body: %d bytes (expected: <= %d)",
          message.body().length, transport.maxMessageSize());
      MemorySocket to = peer;
      if (to != null && to.inbox != null) {
        to.inbox.offerError(e);
      }
      return;
    }
    if (echo == null) {
      echo = message.headers();
    }
    handler.onMessage(this, message);
  }

  private void peerClosed() {
    if (open) {
      open = false;
      closed();
    }
  }

  private void closed() {
    if (inbox != null) {
      inbox.fail(brokenConnection());
    } else {
      if (listener != null) {
        listener.closed(this);
      }
      try {
        transport.loop().execute(() -> handler.onClose(this));
      } catch (RejectedExecutionException e) {
        handler.onClose(this);
      }
    }
  }

  private Message withEcho(Message message) {
    Map<String, String> first = echo;
    if (first == null || first.isEmpty()) {
      return message;
    }
    Map<String, String> headers = new LinkedHashMap<>(first);
    headers.putAll(message.headers());
    return new Message(headers, message.body());
  }

  private MicroException brokenConnection() {
    return MicroException.internalServerError("go.micro.client",
        "connection error: connection to %s closed", remote);
  }
}
