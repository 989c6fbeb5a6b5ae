package io.micro.toolkit.api;

import io.micro.client.CallOptions;
import io.micro.client.Request;
import io.micro.errors.MicroException;
import io.micro.registry.Node;
import io.micro.selector.SelectOptions;
import io.micro.toolkit.http.HttpHandler;
import io.micro.toolkit.http.HttpProxy;
import io.micro.toolkit.http.HttpRequest;
import io.micro.toolkit.http.HttpResponse;
import io.micro.metadata.Metadata;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The {@code rpc} handler: resolves the path to a service and endpoint, calls it with the JSON (or
 * protobuf) payload built from the request, and answers the reply with the request's content type
 * (200, or 204 when the reply is empty). A websocket upgrade opens a stream to the endpoint
 * instead ({@link StreamBridge}).
 *
 * <p>Fast path: when the service was selected a moment ago ({@link WarmSelector}) and the chosen
 * node speaks mucp, the call is one mucp request over a kept-alive connection on the event loop of
 * the client's connection ({@link HttpProxy#exchange}): no thread hand-off at all. A node that
 * cannot be reached is marked failed and the call goes the general way, through the client, with
 * its retries.
 */
final class RpcHandler implements HttpHandler {
  private static final int MAX_REPLY = 16 << 20;
  private final Backend backend;
  private final Resolver resolver;
  private final HttpProxy proxy;
  private final CallOptions options;
  private final AtomicLong ids = new AtomicLong();
  /** Request header name (exact spelling) → metadata key, or {@link #SKIP}; see {@link #metadataKey}. */
  private final ConcurrentHashMap<AsciiString, AsciiString> keys = new ConcurrentHashMap<>();
  private static final int KNOWN_NAMES = 256;
  private static final AsciiString SKIP = new AsciiString("");
  private final String timeoutNanos;
  /** Headers of the request that the mucp head replaces or drops ({@code Accept-Encoding}). */
  private static final Set<String> OVERRIDDEN = Set.of("host", "accept", "accept-encoding");
  private static final DefaultHttpHeadersFactory UNCHECKED =
      DefaultHttpHeadersFactory.headersFactory().withValidation(false);
  private static final AsciiString TIMEOUT = AsciiString.cached("Timeout");
  private static final AsciiString MICRO_ID = AsciiString.cached("Micro-Id");
  private static final AsciiString MICRO_SERVICE = AsciiString.cached("Micro-Service");
  private static final AsciiString MICRO_ENDPOINT = AsciiString.cached("Micro-Endpoint");
  private static final AsciiString MICRO_METHOD = AsciiString.cached("Micro-Method");

  RpcHandler(Backend backend, Resolver resolver, HttpProxy proxy) {
    this.backend = backend;
    this.resolver = resolver;
    this.proxy = proxy;
    this.options = CallOptions.DEFAULT.withTimeout(backend.timeout());
    this.timeoutNanos = Long.toString(backend.timeout().toNanos());
  }

  @Override
  public CompletionStage<HttpResponse> handle(HttpRequest req) {
    Resolver.Target t;
    byte[] payload;
    String ct = req.contentType();
    boolean proto = Payloads.isProto(ct);
    try {
      t = resolver.resolve(req);
      payload = proto ? req.body() : Payloads.json(req);
    } catch (MicroException e) {
      return CompletableFuture.completedFuture(HttpResponse.error(e));
    }
    if (req.isWebSocketUpgrade()) {
      byte[] initial = req.query().isEmpty() ? new byte[0] : payload;
      return CompletableFuture.completedFuture(HttpResponse.webSocket(
          new StreamBridge(backend, t.service(), t.endpoint(), Backend.metadata(req), initial), "binary"));
    }
    String wire = proto ? "application/protobuf" : "application/json";
    String answerType = answerType(ct);
    if (backend.selector() instanceof WarmSelector w && w.isWarm(t.service())) {
      Node node;
      try {
        node = w.select(t.service(), SelectOptions.DEFAULT).get();
      } catch (RuntimeException e) {
        node = null;
      }
      if (node != null && "mucp".equals(node.metadata().get("protocol"))) {
        return fast(req, t, node, w, payload, wire, answerType);
      }
    }
    return slow(req, t, payload, wire, answerType);
  }

  private CompletionStage<HttpResponse> slow(HttpRequest req, Resolver.Target t, byte[] payload, String wire,
      String answerType) {
    Request call = new Request(t.service(), t.endpoint(), payload, wire, Backend.metadata(req));
    return backend.call(t.service(), () -> backend.client().callAsync(call, byte[].class, options))
        .handle((reply, err) -> err != null ? backend.failure(err, t.service(), req) : answer(reply, answerType));
  }

  private CompletionStage<HttpResponse> fast(HttpRequest req, Resolver.Target t, Node node, WarmSelector w,
      byte[] payload, String wire, String answerType) {
    CompletableFuture<HttpResponse> out = new CompletableFuture<>();
    proxy.exchange(req, node.address(), "POST", "/", mucpHeaders(req, t, node, wire), payload,
            backend.timeout(), MAX_REPLY)
        .whenComplete((ans, err) -> {
          HttpResponse r;
          try {
            r = fastAnswer(req, t, node, w, ans, err, answerType);
          } catch (RuntimeException e) {
            out.completeExceptionally(e);
            return;
          }
          if (r != null) {
            out.complete(r);
          } else {
            slow(req, t, payload, wire, answerType).whenComplete((s, e) -> {
              if (e != null) {
                out.completeExceptionally(e);
              } else {
                out.complete(s);
              }
            });
          }
        });
    return out;
  }

  /** The answer of a fast call, or null when the node was unreachable (the general path retries). */
  private @Nullable HttpResponse fastAnswer(HttpRequest req, Resolver.Target t, Node node, WarmSelector w,
      HttpProxy.@Nullable Answer ans, @Nullable Throwable err, String answerType) {
    if (err != null || ans == null) {
      MicroException e = err instanceof MicroException me ? me
          : MicroException.from(Backend.ID, err != null ? err : new IllegalStateException("no answer"));
      w.mark(t.service(), node, e);
      if (e.code() == 503) {
        return null; // unreachable node: the general path retries elsewhere
      }
      return HttpResponse.error(e.code() == 504
          ? MicroException.of(Backend.ID, 504, "service " + t.service() + " did not answer within "
              + backend.timeout().toMillis() + " ms")
          : e);
    }
    String error = ans.headers().get("Micro-Error");
    if (error == null) {
      error = ans.headers().get("X-Micro-Error");
    }
    if (error != null && !error.isEmpty()) {
      return backend.failure(MicroException.parse(error), t.service(), req);
    }
    String type = ans.headers().get("Content-Type");
    if (ans.status() != 200 || (type != null && type.startsWith("text/"))) {
      return backend.failure(MicroException.parse(new String(ans.body(), StandardCharsets.UTF_8)),
          t.service(), req);
    }
    return answer(ans.body(), answerType);
  }

  /** The content type of the answer: the request's, JSON for JSON-RPC or none. */
  private static String answerType(String ct) {
    return ct.isEmpty() || ct.equals("application/json-rpc") ? "application/json" : ct;
  }

  /**
   * The head of the mucp request: the request's headers as metadata, as {@link Backend#metadata}
   * makes them (canonical names, repeated headers joined with {@code ,}; no hop-by-hop, framing or
   * mucp routing headers, no {@code Accept-Encoding}), then the mucp routing headers. Built straight
   * into the outgoing headers, without a metadata map in between; the headers do not validate
   * (the request's own were validated by the server's decoder, and {@link HttpProxy#exchange}
   * checks every name and value before sending).
   */
  private HttpHeaders mucpHeaders(HttpRequest req, Resolver.Target t, Node node, String wire) {
    HttpHeaders h = UNCHECKED.newHeaders();
    for (var it = req.headers().iteratorCharSequence(); it.hasNext(); ) {
      Map.Entry<CharSequence, CharSequence> e = it.next();
      AsciiString key = metadataKey(e.getKey());
      if (key == SKIP) {
        continue;
      }
      String prior = h.get(key);
      if (prior == null) {
        h.add(key, e.getValue());
      } else {
        h.set(key, prior + "," + e.getValue());
      }
    }
    h.set(HttpHeaderNames.HOST, node.address());
    h.set(HttpHeaderNames.CONTENT_TYPE, wire);
    h.set(HttpHeaderNames.ACCEPT, wire);
    h.set(TIMEOUT, timeoutNanos);
    h.set(MICRO_ID, Long.toString(ids.incrementAndGet()));
    h.set(MICRO_SERVICE, t.service());
    h.set(MICRO_ENDPOINT, t.endpoint());
    h.set(MICRO_METHOD, t.endpoint());
    return h;
  }

  /**
   * The metadata key of the request header {@code name} ({@link Metadata#canonical}), or {@link
   * #SKIP} when the header is not passed on; remembered per name (at most {@value #KNOWN_NAMES}
   * names: they come from clients), so a header seen before costs one map look-up.
   */
  private AsciiString metadataKey(CharSequence name) {
    AsciiString exact = name instanceof AsciiString a ? a : new AsciiString(name); // the decoder's are
    AsciiString known = keys.get(exact);
    if (known != null) {
      return known;
    }
    String n = exact.toString();
    String lower = n.toLowerCase(Locale.ROOT);
    AsciiString key = !Backend.isMetadata(lower) || OVERRIDDEN.contains(lower) ? SKIP
        : new AsciiString(Metadata.canonical(n));
    if (keys.size() < KNOWN_NAMES) {
      keys.put(exact, key);
    }
    return key;
  }

  private static HttpResponse answer(byte[] reply, String answerType) {
    return reply.length == 0 ? HttpResponse.empty(204) : HttpResponse.of(200, answerType, reply);
  }
}
