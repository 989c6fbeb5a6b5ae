package io.micro.client;

import io.micro.codec.Codec;
import io.micro.codec.Codecs;
import io.micro.codec.Envelope;
import io.micro.errors.MicroException;
import io.micro.registry.Node;
import io.micro.registry.Registry;
import io.micro.registry.Service;
import io.micro.transport.Listener;
import io.micro.transport.Message;
import io.micro.transport.Socket;
import io.micro.transport.Transport;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny go-micro-like server for the client's tests: a {@link Listener.Handler} that answers JSON
 * mucp requests and JSON-RPC envelopes, the way go-micro v4.11 does on the wire (echoed request
 * headers, errors as {@code Micro-Error} with an empty body). The real server is built by another
 * helper (h-rpc); this fake lets the client be tested on its own and records what it received.
 */
final class FakeServer implements AutoCloseable {

  /** One endpoint: the decoded JSON request and the raw message in, a reply object out. */
  @FunctionalInterface
  interface Endpoint {
    Object handle(Map<String, Object> body, Message request) throws Exception;
  }

  private static final Codecs CODECS = Codecs.standard();

  final String service;
  final Node node;
  final List<Message> received = new CopyOnWriteArrayList<>();
  final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  final AtomicInteger maxInFlightPerSocket = new AtomicInteger();
  private final Map<Socket, AtomicInteger> inFlight = new ConcurrentHashMap<>();
  private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final ExecutorService workers = Executors.newCachedThreadPool();
  private final Listener listener;
  private final Registry registry;

  private FakeServer(Transport transport, Registry registry, String service, String id, boolean mucp) {
    this.service = service;
    this.registry = registry;
    this.listener = transport.listen("127.0.0.1:0", this::onMessage);
    Map<String, String> md = mucp ? Map.of("protocol", "mucp", "server", "mucp") : Map.of("server", "rpc");
    this.node = new Node(id, listener.address(), md);
    registry.register(Service.of(service, "latest").withNodes(List.of(node)), Duration.ZERO);
  }

  /** A server registered with {@code protocol=mucp}. */
  static FakeServer mucp(Transport transport, Registry registry, String service, String id) {
    return new FakeServer(transport, registry, service, id, true);
  }

  /** A server registered without {@code protocol}, as a 2016 go-micro node. */
  static FakeServer legacy(Transport transport, Registry registry, String service, String id) {
    return new FakeServer(transport, registry, service, id, false);
  }

  FakeServer handle(String endpoint, Endpoint e) {
    endpoints.put(endpoint, e);
    return this;
  }

  int calls(String endpoint) {
    AtomicInteger n = calls.get(endpoint);
    return n == null ? 0 : n.get();
  }

  String address() {
    return listener.address();
  }

  private void onMessage(Socket socket, Message request) {
    received.add(request);
    sockets.add(socket);
    int now = inFlight.computeIfAbsent(socket, s -> new AtomicInteger()).incrementAndGet();
    maxInFlightPerSocket.accumulateAndGet(now, Math::max);
    workers.execute(() -> {
      Message reply = answer(request);
      inFlight.get(socket).decrementAndGet();
      socket.send(reply);
    });
  }

  private Message answer(Message request) {
    String type = request.header("Content-Type");
    Envelope envelope = type != null && type.contains("-rpc") ? CODECS.envelopeFor(type).orElseThrow() : null;
    Map<String, String> headers = new LinkedHashMap<>(request.headers());
    String method = request.micro("Endpoint");
    String id = "";
    byte[] params = request.body();
    if (envelope != null) {
      Envelope.Frame frame = envelope.readRequest(request.body());
      method = frame.method();
      id = frame.id();
      params = frame.body();
    }
    Codec json = CODECS.forContentType("application/json").orElseThrow();
    try {
      Endpoint e = endpoints.get(method);
      if (e == null) {
        throw MicroException.parse("rpc: can't find method " + method);
      }
      calls.computeIfAbsent(method, m -> new AtomicInteger()).incrementAndGet();
      @SuppressWarnings("unchecked")
      Map<String, Object> body = (Map<String, Object>) json.unmarshal(params, Map.class);
      byte[] out = json.marshal(e.handle(body, request));
      if (envelope != null) {
        out = envelope.writeResponse(new Envelope.Frame(method, id, out, ""));
      }
      return new Message(headers, out);
    } catch (Exception ex) {
      MicroException me = ex instanceof MicroException m ? m : MicroException.from(service, ex);
      String text = me.code() == 0 ? me.detail() : me.toJson();
      if (envelope != null) {
        return new Message(headers, envelope.writeResponse(new Envelope.Frame(method, id, null, text)));
      }
      headers.put("Micro-Error", text);
      headers.put("X-Micro-Error", text);
      return new Message(headers, new byte[0]);
    }
  }

  /** Stops answering and forgets the node (its address no longer accepts connections). */
  @Override
  public void close() throws InterruptedException {
    registry.deregister(Service.of(service, "latest").withNodes(List.of(node)));
    listener.close();
    workers.shutdownNow();
    workers.awaitTermination(5, TimeUnit.SECONDS);
  }
}
