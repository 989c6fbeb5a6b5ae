package io.micro.server;

import io.micro.codec.Codec;
import io.micro.errors.MicroException;
import io.micro.metadata.Metadata;
import io.micro.transport.Message;
import io.micro.transport.Socket;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * mucp streams on the server (protocol doc B.9/B.10): messages carrying {@code Micro-Stream: <id>}
 * are multiplexed per connection by that id. The first message of an id opens a {@link StreamCall}
 * and is go-micro's placeholder, which is dropped (except for a unary handler, whose request it is,
 * as in go-micro); later messages feed the call; a message with
 * {@code Micro-Error: EOS} half-closes it, any other {@code Micro-Error} cancels it. The handler's
 * messages go back as {@code 200} messages with the body and {@code Content-Type}, the end as
 * {@code Micro-Error: EOS} (or the error), both also in {@code X-Micro-Error}, as go-micro's server
 * writes them. A closed connection cancels its streams.
 *
 * <p>Called on the transport's I/O thread (one connection's messages in order); streams finish on
 * other threads, so the per-connection state is guarded by its own monitor.
 */
final class MucpStreams {
  static final String EOS = "EOS";
  /** Ids of ended streams remembered per connection, so that late messages are dropped. */
  private static final int ENDED_REMEMBERED = 64;
  private static final Logger LOG = LoggerFactory.getLogger(MucpStreams.class);

  private final String serverName;
  private final Router router;
  private final Executor executor;
  private final Executor unaryExecutor;
  private final InFlight inFlight;
  private final ConcurrentHashMap<Socket, Connection> connections = new ConcurrentHashMap<>();

  /**
   * @param executor where stream handlers run (they may block on their peer)
   * @param unaryExecutor where a unary handler reached as a stream (every gRPC unary call) runs
   *     once its request arrived
   */
  MucpStreams(String serverName, Router router, Executor executor, Executor unaryExecutor, InFlight inFlight) {
    this.serverName = serverName;
    this.router = router;
    this.executor = executor;
    this.unaryExecutor = unaryExecutor;
    this.inFlight = inFlight;
  }

  /** The stream id of {@code message}, or null when it is not a stream message. */
  static @Nullable String streamId(Message message) {
    if (message.micro("Topic") != null) {
      return null;
    }
    String id = message.micro("Stream");
    return id == null || id.isEmpty() ? null : id;
  }

  /** Handles one message of stream {@code id} from {@code socket}. */
  void onMessage(Socket socket, Message message, String id, @Nullable Long deadline) {
    Connection c = connections.computeIfAbsent(socket, Connection::new);
    String error = message.micro("Error");
    StreamCall call;
    synchronized (c) {
      call = c.open.get(id);
      if (call == null && (error != null || c.ended.contains(id))) {
        return; // go-micro drops an EOS for an unknown stream; so do we for late messages
      }
    }
    if (call != null) {
      if (error == null || error.isEmpty()) {
        call.onMessage(message.body());
      } else if (error.equals(EOS)) {
        call.onHalfClose();
      } else {
        call.cancel(MicroException.parse(error));
      }
      return;
    }
    open(c, socket, message, id, deadline);
  }

  private void open(Connection c, Socket socket, Message first, String id, @Nullable Long deadline) {
    Codec codec = router.streamCodec(first);
    if (codec == null) {
      send(socket, router.refuse(first, MicroException.badRequest(serverName,
          "stream %s: content type '%s' (expected: a mucp codec such as application/json or"
              + " application/protobuf; streams do not use legacy envelopes)", id,
          first.header("Content-Type"))), id);
      return;
    }
    String contentType = Optional.ofNullable(first.header("Content-Type"))
        .filter(s -> !s.isBlank()).map(String::strip).orElse(Router.DEFAULT_CONTENT_TYPE);
    String endpoint = firstNonEmpty(first.micro("Endpoint"), first.micro("Method"));
    String service = Optional.ofNullable(first.micro("Service")).orElse("");
    Metadata md = Router.metadata(first, socket.local(), socket.remote());
    boolean grpc = "grpc".equals(first.micro("Protocol"));
    // gRPC carries no routing echo (its transport would drop it again): only mucp gets go-micro's
    Sink sink = new Sink(c, socket, id, contentType, grpc ? Map.of() : replyHeaders(first));
    inFlight.begin();
    try {
      StreamCall call = router.openStream(service, endpoint, md, deadline, codec, contentType, sink, executor,
          unaryExecutor);
      synchronized (c) {
        if (!call.isFinished()) {
          c.open.put(id, call);
        }
      }
      if (call.kind() == HandlerKind.UNARY && !grpc) {
        call.onMessage(first.body()); // a plain handler streamed to: go-micro reads this body as its request
      } // a gRPC call's opening message is only its headers; the request follows as a message
    } catch (MicroException e) {
      sink.finish(e);
    }
  }

  /** Cancels the streams of a closed connection. */
  void onClose(Socket socket) {
    Connection c = connections.remove(socket);
    if (c == null) {
      return;
    }
    Map<String, StreamCall> open;
    synchronized (c) {
      open = new HashMap<>(c.open);
    }
    MicroException closed = closed(socket);
    open.values().forEach(call -> call.cancel(closed));
  }

  /** The cancellation of a stream whose client went away: its connection closed or was reset. */
  private MicroException closed(Socket socket) {
    return MicroException.of(serverName, 499,
        "stream cancelled: connection from " + socket.remote() + " closed", "Client Closed Request");
  }

  /** go-micro's stream messages carry the routing headers it read, each also with an X- prefix. */
  private static Map<String, String> replyHeaders(Message first) {
    Map<String, String> h = new LinkedHashMap<>();
    for (String name : new String[] {"Service", "Method", "Endpoint"}) {
      String v = first.micro(name);
      if (v != null && !v.isEmpty()) {
        h.put("Micro-" + name, v);
        h.put("X-Micro-" + name, v);
      }
    }
    return h;
  }

  private void send(Socket socket, Message reply, String id) {
    Map<String, String> h = new LinkedHashMap<>(reply.headers());
    h.put("Micro-Stream", id);
    try {
      socket.send(new Message(h, reply.body())).whenComplete((ok, e) -> {
        if (e != null) {
          LOG.debug("{}: stream {} reply to {} not sent: {}", serverName, id, socket.remote(), e.toString());
        }
      });
    } catch (RuntimeException e) {
      LOG.debug("{}: stream {} reply to {} not sent: {}", serverName, id, socket.remote(), e.toString());
    }
  }

  private static String firstNonEmpty(@Nullable String a, @Nullable String b) {
    if (a != null && !a.isBlank()) {
      return a.strip();
    }
    return b == null ? "" : b.strip();
  }

  /** The streams of one connection, and how many of them asked to stop reading. */
  private static final class Connection {
    final Map<String, StreamCall> open = new HashMap<>();
    final ArrayDeque<String> endedOrder = new ArrayDeque<>();
    final java.util.Set<String> ended = new java.util.HashSet<>();
    int paused;

    Connection(Socket socket) {}

    void ended(String id) {
      open.remove(id);
      if (ended.add(id)) {
        endedOrder.add(id);
        if (endedOrder.size() > ENDED_REMEMBERED) {
          ended.remove(endedOrder.poll());
        }
      }
    }
  }

  /** Writes one stream's messages on its connection. */
  private final class Sink implements StreamSink {
    private final Connection c;
    private final Socket socket;
    private final String id;
    private final Map<String, String> data;
    private final ResponseMetadata response = new ResponseMetadata();
    private volatile boolean headersSent;
    private boolean paused;
    private boolean finished;

    Sink(Connection c, Socket socket, String id, String contentType, Map<String, String> routing) {
      this.c = c;
      this.socket = socket;
      this.id = id;
      Map<String, String> h = new LinkedHashMap<>(routing);
      h.put("Content-Type", contentType);
      h.put("Micro-Stream", id);
      this.data = Map.copyOf(h);
    }

    @Override
    public CompletionStage<Void> send(byte[] body) {
      if (!headersSent) { // sends come from the handler's thread, one at a time
        headersSent = true;
        return write(new Message(ResponseMetadata.merged(data, response, true, false), body));
      }
      return write(new Message(data, body));
    }

    /**
     * Sends {@code m}; a write that fails because the connection is gone fails with the same 499 as
     * the connection's close does. A client that cancels writes its cancel message and closes: the
     * reset can fail a write here before the cancel message or the close was read.
     */
    private CompletionStage<Void> write(Message m) {
      return socket.send(m).handle((ok, e) -> {
        if (e == null) {
          return CompletableFuture.<Void>completedFuture(null);
        }
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        boolean gone = !socket.isOpen() || cause.getCause() instanceof IOException;
        return CompletableFuture.<Void>failedFuture(gone ? closed(socket).withCause(cause) : cause);
      }).thenCompose(f -> f);
    }

    @Override
    public ResponseMetadata response() {
      return response;
    }

    @Override
    public void finish(@Nullable MicroException error) {
      synchronized (c) {
        if (finished) {
          return;
        }
        finished = true;
        c.ended(id);
        if (paused) {
          paused = false;
          if (--c.paused == 0) {
            socket.reading(true);
          }
        }
      }
      String text = error == null ? EOS : error.toJson();
      Map<String, String> h = new LinkedHashMap<>(4);
      h.put(Route.ERROR, text);
      h.put(Route.X_ERROR, text);
      h.put("Micro-Stream", id);
      try {
        socket.send(new Message(ResponseMetadata.merged(h, response, !headersSent, true), new byte[0]))
            .whenComplete((ok, e) -> inFlight.end());
      } catch (RuntimeException e) {
        inFlight.end();
      }
    }

    @Override
    public void reading(boolean on) {
      synchronized (c) {
        if (finished || paused == !on) {
          return;
        }
        paused = !on;
        if (on) {
          if (--c.paused == 0) {
            socket.reading(true);
          }
        } else if (c.paused++ == 0) {
          socket.reading(false);
        }
      }
    }
  }
}
