package io.micro.toolkit.api;

import io.micro.client.AsyncClientStream;
import io.micro.client.CallOptions;
import io.micro.client.Request;
import io.micro.errors.MicroException;
import io.micro.metadata.Metadata;
import io.micro.stream.StreamObserver;
import io.micro.toolkit.http.WebSocketHandler;
import io.micro.toolkit.http.WebSocketSession;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A websocket bridged to a streaming RPC (server, client or bidirectional stream), as go-micro's
 * rpc handler does: the initial payload (query fields) is sent first when there is one, each text
 * or binary frame is sent as one message, each response is written as a frame (binary when the
 * client chose the {@code binary} subprotocol, text otherwise). A normal close ends the sending
 * side; the end of the stream closes the socket with 1000, a stream error with 1011 and the
 * error's detail. At most {@value #MAX_PENDING} messages wait to be sent; more close the socket
 * with 1008.
 */
final class StreamBridge implements WebSocketHandler {
  static final int MAX_PENDING = 256;

  private final Backend backend;
  private final Request request;
  private final byte[] initial;
  private final AtomicInteger pending = new AtomicInteger();
  private final CompletableFuture<AsyncClientStream<Object>> opened = new CompletableFuture<>();
  private CompletableFuture<?> chain;

  StreamBridge(Backend backend, String service, String endpoint, Metadata metadata, byte[] initial) {
    this.backend = backend;
    this.request = new Request(service, endpoint, new byte[] {'{', '}'}, "application/json", metadata);
    this.initial = initial;
    this.chain = opened;
  }

  @Override
  public void onOpen(WebSocketSession session) {
    boolean binary = session.subprotocol().equals("binary");
    CallOptions options = CallOptions.DEFAULT.withTimeout(backend.timeout());
    StreamObserver<byte[]> observer = new StreamObserver<>() {
      @Override
      public void onNext(byte[] message) {
        if (binary) {
          session.sendBinary(message);
        } else {
          session.sendText(new String(message, StandardCharsets.UTF_8).stripTrailing());
        }
      }

      @Override
      public void onError(MicroException error) {
        session.sendText(error.toJson());
        session.close(1011, truncate(error.detail()));
      }

      @Override
      public void onCompleted() {
        session.close(1000, "");
      }
    };
    backend.offLoop(() -> CompletableFuture.completedFuture(
            backend.client().<Object, byte[]>streamAsync(request, byte[].class, options, observer)))
        .whenComplete((s, err) -> {
          if (err != null) {
            MicroException e = backend.translate(err, request.service(), session.request());
            session.sendText(e.toJson());
            session.close(1011, truncate(e.detail()));
            opened.completeExceptionally(e);
            return;
          }
          opened.complete(s);
        });
    if (initial.length > 0) {
      enqueue(session, initial);
    }
  }

  @Override
  public void onText(WebSocketSession session, String text) {
    enqueue(session, text.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void onBinary(WebSocketSession session, byte[] data) {
    enqueue(session, data);
  }

  @Override
  public void onClose(WebSocketSession session, int code, String reason) {
    chain = chain.thenCompose(x -> opened).thenAccept(s -> {
      if (code == 1000 || code == 1001 || code == 1005) {
        s.closeSend();
      } else {
        s.cancel();
      }
    });
  }

  /** Sends {@code message} after the ones before it (called on the connection's event loop). */
  private void enqueue(WebSocketSession session, byte[] message) {
    if (pending.incrementAndGet() > MAX_PENDING) {
      session.close(1008, "more than " + MAX_PENDING + " messages waiting to be sent");
      return;
    }
    chain = chain.thenCompose(x -> opened).thenCompose(s -> s.send(message)).whenComplete((x, err) -> {
      pending.decrementAndGet();
      if (err != null) {
        session.close(1011, "send failed");
      }
    });
  }

  private static String truncate(String s) {
    // a close reason must fit in a control frame (123 bytes)
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return b.length <= 120 ? s : new String(b, 0, 120, StandardCharsets.UTF_8);
  }
}
