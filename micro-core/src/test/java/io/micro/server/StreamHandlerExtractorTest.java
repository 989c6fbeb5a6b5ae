package io.micro.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micro.metadata.Metadata;
import io.micro.registry.Endpoint;
import io.micro.registry.Value;
import io.micro.stream.BidiStream;
import io.micro.stream.StreamReceiver;
import io.micro.stream.StreamSender;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The stream handler shapes: their kinds and what they register. */
class StreamHandlerExtractorTest {

  record Request(String name) {}

  record Response(String msg) {}

  /** One method of each stream shape, with and without metadata. */
  public static final class Streams {
    public void serverStream(Request req, StreamSender<Response> out) {}

    public Response clientStream(Metadata md, StreamReceiver<Request> in) {
      return new Response("x");
    }

    public void bidi(BidiStream<Request, Response> s) {}

    public void bidiMd(Metadata md, BidiStream<Request, Response> s) {}

    public Response hello(Request req) {
      return new Response("x");
    }
  }

  private static HandlerMethod method(String endpoint) {
    return HandlerExtractor.extract("Streams", new Streams()).stream()
        .filter(m -> m.endpoint().equals(endpoint)).findFirst().orElseThrow();
  }

  @Test
  void eachShapeGetsItsKind() {
    assertThat(method("Streams.ServerStream").kind()).isEqualTo(HandlerKind.SERVER_STREAM);
    assertThat(method("Streams.ClientStream").kind()).isEqualTo(HandlerKind.CLIENT_STREAM);
    assertThat(method("Streams.ClientStream").withMetadata()).isTrue();
    assertThat(method("Streams.Bidi").kind()).isEqualTo(HandlerKind.BIDI);
    assertThat(method("Streams.BidiMd").kind()).isEqualTo(HandlerKind.BIDI);
    assertThat(method("Streams.BidiMd").withMetadata()).isTrue();
    assertThat(method("Streams.Hello").kind()).isEqualTo(HandlerKind.UNARY);
    assertThat(HandlerKind.UNARY.isStream()).isFalse();
    assertThat(HandlerKind.BIDI.isStream()).isTrue();
  }

  @Test
  void streamEndpointsRegisterStreamTrueAndTheMessageTypes() {
    Value request = new Value("Request", "Request", List.of(Value.of("name", "string")));
    Value response = new Value("Response", "Response", List.of(Value.of("msg", "string")));
    for (String e : List.of("Streams.ServerStream", "Streams.ClientStream", "Streams.Bidi")) {
      assertThat(method(e).schema()).isEqualTo(new Endpoint(e, request, response, Map.of("stream", "true")));
      assertThat(method(e).requestType()).isEqualTo(Request.class);
      assertThat(method(e).responseType()).isEqualTo(Response.class);
    }
    assertThat(method("Streams.Hello").schema().metadata()).isEmpty();
  }

  public static final class RawSender {
    @SuppressWarnings("rawtypes")
    public void raw(Request req, StreamSender out) {}
  }

  public static final class VoidClientStream {
    public void sum(StreamReceiver<Request> in) {}
  }

  public static final class BidiReturningValue {
    public Response bidi(BidiStream<Request, Response> s) {
      return new Response("x");
    }
  }

  public static final class SenderFirst {
    public void odd(StreamSender<Response> out, Request req) {}
  }

  @Test
  void malformedStreamShapesAreRefusedNamingTheMethod() {
    assertThatThrownBy(() -> HandlerExtractor.extract("R", new RawSender()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RawSender.raw")
        .hasMessageContaining("concrete message types");
    assertThatThrownBy(() -> HandlerExtractor.extract("V", new VoidClientStream()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must return the response");
    assertThatThrownBy(() -> HandlerExtractor.extract("B", new BidiReturningValue()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must return void");
    assertThatThrownBy(() -> HandlerExtractor.extract("S", new SenderFirst()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unsupported stream shape");
  }
}
