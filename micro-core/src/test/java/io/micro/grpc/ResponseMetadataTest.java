package io.micro.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.micro.grpc.testproto.Request;
import io.micro.grpc.testproto.Response;
import io.micro.grpc.testproto.SayGrpc;
import io.micro.server.ResponseMetadata;
import io.micro.server.Server;
import io.micro.stream.StreamSender;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A handler's {@link ResponseMetadata} on the wire: gRPC headers and trailers, mucp reply headers. */
class ResponseMetadataTest {
  private static final io.grpc.Metadata.Key<String> GREETING =
      io.grpc.Metadata.Key.of("x-greeting", io.grpc.Metadata.ASCII_STRING_MARSHALLER);
  private static final io.grpc.Metadata.Key<String> COST =
      io.grpc.Metadata.Key.of("x-cost", io.grpc.Metadata.ASCII_STRING_MARSHALLER);
  private Server server;
  private ManagedChannel channel;

  /** Sets a header and a trailer from a unary and a server-stream handler. */
  public static final class Say {
    /** One greeting with metadata. */
    public Response hello(Request request) {
      ResponseMetadata.current().header("X-Greeting", "hi " + request.getName()).trailer("x-cost", "3");
      return Response.newBuilder().setMsg("Hello " + request.getName()).build();
    }

    /** Two greetings with metadata; the trailer is set after the first send. */
    public void stream(Request request, StreamSender<Response> out) {
      ResponseMetadata.current().header("x-greeting", "stream");
      out.send(Response.newBuilder().setMsg("a").build());
      ResponseMetadata.current().trailer("x-cost", "2");
      out.send(Response.newBuilder().setMsg("b").build());
    }

    /** A reserved key fails the call. */
    public Response fail(Request request) {
      ResponseMetadata.current().header("grpc-status", "0");
      return Response.getDefaultInstance();
    }
  }

  @BeforeEach
  void start() {
    server = Server.builder().name("micro.test").address("127.0.0.1:0").build();
    server.handle("Say", new Say());
    server.start();
    channel = Grpc.newChannelBuilder(server.address(), InsecureChannelCredentials.create()).build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.stop();
  }

  @Test
  void grpcUnaryAndStreamSendHeadersAndTrailers() {
    for (boolean stream : new boolean[] {false, true}) {
      AtomicReference<io.grpc.Metadata> headers = new AtomicReference<>();
      AtomicReference<io.grpc.Metadata> trailers = new AtomicReference<>();
      SayGrpc.SayBlockingStub stub = SayGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
          .withInterceptors(io.grpc.stub.MetadataUtils.newCaptureMetadataInterceptor(headers, trailers));
      Request req = Request.newBuilder().setName("John").build();
      if (stream) {
        Iterator<Response> it = stub.stream(req);
        assertThat(it.next().getMsg()).isEqualTo("a");
        assertThat(it.next().getMsg()).isEqualTo("b");
        assertThat(it.hasNext()).isFalse();
        assertThat(headers.get().get(GREETING)).isEqualTo("stream");
        assertThat(trailers.get().get(COST)).isEqualTo("2");
      } else {
        assertThat(stub.hello(req).getMsg()).isEqualTo("Hello John");
        assertThat(headers.get().get(GREETING)).isEqualTo("hi John");
        assertThat(trailers.get().get(COST)).isEqualTo("3");
        assertThat(trailers.get().get(GREETING)).isNull();
      }
    }
  }

  @Test
  void mucpSendsBothAsReplyHeaders() throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create("http://" + server.address() + "/"))
        .header("Content-Type", "application/protobuf")
        .header("Micro-Service", "micro.test")
        .header("Micro-Endpoint", "Say.Hello")
        .POST(HttpRequest.BodyPublishers.ofByteArray(Request.newBuilder().setName("mucp").build().toByteArray()))
        .build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(Response.parseFrom(r.body()).getMsg()).isEqualTo("Hello mucp");
    assertThat(r.headers().firstValue("X-Greeting")).contains("hi mucp");
    assertThat(r.headers().firstValue("X-Cost")).contains("3");
  }

  @Test
  void reservedKeysAndCallsOutsideAHandlerAreRefused() {
    assertThatThrownBy(() -> SayGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
        .fail(Request.getDefaultInstance()))
        .hasMessageContaining("grpc-status");
    assertThatThrownBy(ResponseMetadata::current).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> new ResponseMetadata().trailer("x-a", "line\nbreak"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x-a");
  }
}
