package io.micro.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.StringValue;
import io.micro.codec.Codecs;
import io.micro.codec.Envelope;
import io.micro.codec.protorpc.ProtoRpcEnvelope;
import io.micro.errors.MicroException;
import io.micro.metadata.Metadata;
import io.micro.transport.Message;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Dispatch and errors of one message, without a transport. */
class RouterTest {
  private final List<String> trace = new ArrayList<>();
  private final Router router = router(4096,
      (request, next) -> {
        trace.add("outer " + request.endpoint());
        return next.handle(request);
      },
      (request, next) -> {
        trace.add("inner " + request.body().getClass().getSimpleName());
        return next.handle(request);
      });

  private static Router router(int maxMessageSize, HandlerWrapper... wrappers) {
    Map<String, HandlerMethod> handlers = new HashMap<>();
    Debug debug = new Debug();
    for (HandlerMethod m : HandlerExtractor.extract("Say", new Greeter.Say())) {
      handlers.put(m.endpoint(), m);
    }
    for (HandlerMethod m : HandlerExtractor.extract("Proto", new Greeter.Proto())) {
      handlers.put(m.endpoint(), m);
    }
    for (HandlerMethod m : HandlerExtractor.extract("Debug", debug)) {
      handlers.put(m.endpoint(), m);
    }
    Map<String, HandlerMethod> frozen = Map.copyOf(handlers);
    return new Router(Greeter.SERVICE, () -> frozen, Codecs.standard(), List.of(wrappers), maxMessageSize, debug);
  }

  private Message serve(Map<String, String> headers, String body) {
    return serve(headers, body.getBytes(UTF_8), null);
  }

  private Message serve(Map<String, String> headers, byte[] body, @Nullable Long deadline) {
    return router.serve(new Message(headers, body), "127.0.0.1:1", "127.0.0.1:2", deadline).join();
  }

  private static Map<String, String> mucp(String endpoint, String contentType) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Content-Type", contentType);
    h.put("Micro-Service", Greeter.SERVICE);
    h.put("Micro-Endpoint", endpoint);
    return h;
  }

  private static String text(Message m) {
    return new String(m.body(), UTF_8);
  }

  private static MicroException error(Message m) {
    assertThat(m.header("Micro-Error")).as("Micro-Error").isNotNull();
    assertThat(m.header("X-Micro-Error")).isEqualTo(m.header("Micro-Error"));
    return MicroException.parse(m.header("Micro-Error"));
  }

  @Test
  void mucpJsonCallGetsTheBareReplyWithATrailingNewline() {
    Message reply = serve(mucp("Say.Hello", "application/json"), "{\"name\":\"John\"}");

    assertThat(text(reply)).isEqualTo("{\"msg\":\"Hello John\"}\n");
    assertThat(reply.header("Content-Type")).isEqualTo("application/json");
    assertThat(reply.header("Micro-Error")).isNull();
    assertThat(trace).containsExactly("outer Say.Hello", "inner Request");
  }

  @Test
  void mucpProtobufCallGetsRealProtobufBytes() {
    byte[] request = StringValue.of("John").toByteArray(); // 0a 04 J o h n, as Request{name=1}
    assertThat(request).containsExactly(0x0a, 0x04, 'J', 'o', 'h', 'n');

    Message reply = serve(mucp("Proto.Hello", "application/protobuf"), request, null);

    assertThat(reply.body()).isEqualTo(StringValue.of("Hello John").toByteArray());
  }

  @Test
  void goShapedRequestWithIdTimeoutAndOnlyXHeadersIsServed() {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Content-Type", "application/json");
    h.put("Accept", "application/json");
    h.put("X-Micro-Service", Greeter.SERVICE);
    h.put("X-Micro-Method", "Say.Hello");
    h.put("Micro-Id", "0");
    h.put("Timeout", "5000000000");

    Message reply = serve(h, "{\"name\":\"John\"}\n");

    assertThat(text(reply)).isEqualTo("{\"msg\":\"Hello John\"}\n");
    assertThat(reply.header("Micro-Id")).isEqualTo("0");
  }

  @Test
  void legacyJsonRpcWithoutMicroHeadersGetsAnEnvelopeEchoingTheId() {
    Message reply = serve(Map.of("Content-Type", "application/json"),
        "{\"method\":\"Say.Hello\",\"params\":[{\"name\":\"John\"}],\"jsonrpc\":\"2.0\",\"id\":0}");

    assertThat(text(reply)).isEqualTo("{\"id\":0,\"result\":{\"msg\":\"Hello John\"},\"error\":null}\n");
    assertThat(reply.header("Micro-Id")).isEqualTo("0");
    assertThat(reply.header("X-Micro-Id")).isEqualTo("0");
  }

  @Test
  void legacyProtoRpcIsServedWhenNoRoutingHeaderIsPresent() {
    ProtoRpcEnvelope envelope = ProtoRpcEnvelope.create(io.micro.codec.proto.ProtoCodec.create());
    byte[] request = envelope.writeRequest(
        new Envelope.Frame("Proto.Hello", "7", StringValue.of("John").toByteArray(), ""));

    Message reply = serve(Map.of("Content-Type", "application/octet-stream"), request, null);

    Envelope.Frame frame = envelope.readResponse(reply.body());
    assertThat(frame.error()).isEmpty();
    assertThat(frame.id()).isEqualTo("7");
    assertThat(frame.body()).isEqualTo(StringValue.of("Hello John").toByteArray());
  }

  @Test
  void microTargetForcesTheLegacyEnvelope() {
    Map<String, String> h = mucp("Say.Hello", "application/json");
    h.put("Micro-Target", "legacy");

    Message reply = serve(h, "{\"method\":\"Say.Hello\",\"params\":[{\"name\":\"Ann\"}],\"id\":\"a\"}");

    assertThat(text(reply)).isEqualTo("{\"id\":\"a\",\"result\":{\"msg\":\"Hello Ann\"},\"error\":null}\n");
    assertThat(reply.header("Micro-Id")).isEqualTo("a");
  }

  @Test
  void malformedJsonGetsBadRequestSayingWhatWasWrong() {
    MicroException e = error(serve(mucp("Say.Hello", "application/json"), "{\"name\":"));

    assertThat(e.code()).isEqualTo(400);
    assertThat(e.id()).isEqualTo(Greeter.SERVICE);
    assertThat(e.detail()).contains("malformed JSON").contains("Request");
  }

  @Test
  void unknownEndpointGetsNotFoundNamingItAndTheKnownOnes() {
    Message reply = serve(mucp("Say.Missing", "application/json"), "{}");

    assertThat(reply.body()).isEmpty();
    MicroException e = error(reply);
    assertThat(e.code()).isEqualTo(404);
    assertThat(e.status()).isEqualTo("Not Found");
    assertThat(e.detail()).startsWith("unknown endpoint Say.Missing (known: Debug.Health, Debug.Stats, Proto.Hello, Say.Fail");
  }

  @Test
  void illFormedEndpointGetsBadRequest() {
    for (String endpoint : List.of("SayHello", "Say.Hello.Again", ".Hello", "Say.", "")) {
      MicroException e = error(serve(mucp(endpoint, "application/json"), "{}"));
      assertThat(e.code()).as(endpoint).isEqualTo(400);
      assertThat(e.detail()).as(endpoint).contains("'" + endpoint + "'").contains("expected: Handler.Method");
    }
  }

  @Test
  void aMicroExceptionFromTheHandlerTravelsUnchanged() {
    MicroException e = error(serve(mucp("Say.Fail", "application/json"), "{\"name\":\"John\"}"));

    assertThat(e.toJson()).isEqualTo(
        "{\"id\":\"go.micro.srv.greeter\",\"code\":404,\"detail\":\"no such user: John\",\"status\":\"Not Found\"}");
  }

  @Test
  void anyOtherExceptionBecomesInternalServerErrorWithItsMessage() {
    MicroException e = error(serve(mucp("Say.PlainFail", "application/json"), "{\"name\":\"John\"}"));

    assertThat(e.code()).isEqualTo(500);
    assertThat(e.detail()).isEqualTo("database down while greeting John");
  }

  @Test
  void asyncHandlersReplyWhenTheirStageCompletes() {
    assertThat(text(serve(mucp("Say.Later", "application/json"), "{\"name\":\"Bo\"}")))
        .isEqualTo("{\"msg\":\"Later Bo\"}\n");
    assertThat(error(serve(mucp("Say.LaterFail", "application/json"), "{\"name\":\"Bo\"}")).code())
        .isEqualTo(409);
  }

  @Test
  void legacyErrorsTravelInsideTheEnvelopeAndInTheHeader() {
    Message reply = serve(Map.of("Content-Type", "application/json-rpc"),
        "{\"method\":\"Say.Nope\",\"params\":[{}],\"id\":3}");

    assertThat(error(reply).code()).isEqualTo(404);
    assertThat(text(reply)).startsWith("{\"id\":3,\"result\":null,\"error\":\"{\\\"id\\\":\\\"go.micro.srv.greeter\\\",\\\"code\\\":404");
  }

  @Test
  void unsupportedContentTypeGetsPlainTextAsGoMicroSends() {
    Message reply = serve(mucp("Say.Hello", "text/plain"), "John");

    assertThat(reply.header("Content-Type")).isEqualTo("text/plain");
    assertThat(text(reply)).isEqualTo("unsupported Content-Type: text/plain");
  }

  @Test
  void missingContentTypeMeansProtobuf() {
    Map<String, String> h = mucp("Proto.Hello", "x");
    h.remove("Content-Type");

    Message reply = serve(h, StringValue.of("Jo").toByteArray(), null);

    assertThat(reply.body()).isEqualTo(StringValue.of("Hello Jo").toByteArray());
    assertThat(reply.header("Content-Type")).isEqualTo("application/protobuf");
  }

  @Test
  void oversizeBodyGetsRequestEntityTooLarge() {
    MicroException e = error(serve(mucp("Say.Hello", "application/json"), new byte[5000], null));

    assertThat(e.code()).isEqualTo(413);
    assertThat(e.detail()).isEqualTo("body: 5000 bytes (expected: <= 4096)");
  }

  @Test
  void handlersSeeEveryHeaderAsMetadataPlusLocalAndRemoteAndTheDeadline() {
    Map<String, String> h = mucp("Say.Whoami", "application/json");
    h.put("x-user", "john");

    Message reply = serve(h, "{}".getBytes(UTF_8), System.nanoTime() + 60_000_000_000L);

    assertThat(text(reply)).isEqualTo("{\"msg\":\"john/john/true/true\"}\n");
  }

  @Test
  void aCallWhoseDeadlinePassedBeforeItStartedGetsATimeout() {
    MicroException e = error(serve(mucp("Say.Hello", "application/json"), "{}".getBytes(UTF_8),
        System.nanoTime() - 1));

    assertThat(e.code()).isEqualTo(408);
    assertThat(e.detail()).contains("Say.Hello");
  }

  @Test
  void wrappersCanShortCircuitAndReplaceTheRequest() {
    Router r = router(4096,
        (request, next) -> request.metadata().get("Authorization").isPresent()
            ? next.handle(request.withBody(new Greeter.Request("admin")))
            : Metadata.empty().get("none").orElseThrow(() -> MicroException.unauthorized("auth", "no token")));

    Message denied = r.serve(new Message(mucp("Say.Hello", "application/json"), "{}".getBytes(UTF_8)),
        "l", "r", null).join();
    Map<String, String> h = mucp("Say.Hello", "application/json");
    h.put("Authorization", "Bearer x");
    Message allowed = r.serve(new Message(h, "{\"name\":\"eve\"}".getBytes(UTF_8)), "l", "r", null).join();

    assertThat(error(denied).code()).isEqualTo(401);
    assertThat(text(allowed)).isEqualTo("{\"msg\":\"Hello admin\"}\n");
  }

  @Test
  void aWrapperThatProceedsTwiceGetsAnErrorNamingIt() {
    Router r = router(4096, (request, next) -> {
      next.handle(request);
      return next.handle(request);
    });

    MicroException e = error(r.serve(new Message(mucp("Say.Hello", "application/json"), "{}".getBytes(UTF_8)),
        "l", "r", null).join());

    assertThat(e.code()).isEqualTo(500);
    assertThat(e.detail()).startsWith("handler wrapper 0 (").contains("called next.handle more than once");
  }

  @Test
  void debugHealthAnswersOk() {
    assertThat(text(serve(mucp("Debug.Health", "application/json"), "{}"))).isEqualTo("{\"status\":\"ok\"}\n");
    assertThat(text(serve(mucp("Debug.Stats", "application/json"), ""))).contains("\"requests\":").contains("\"uptime\":");
  }
}
