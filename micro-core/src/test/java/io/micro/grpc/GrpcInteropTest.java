package io.micro.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.Context;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.micro.grpc.interop.EchoStatus;
import io.micro.grpc.interop.Empty;
import io.micro.grpc.interop.Payload;
import io.micro.grpc.interop.ResponseParameters;
import io.micro.grpc.interop.SimpleRequest;
import io.micro.grpc.interop.SimpleResponse;
import io.micro.grpc.interop.StreamingInputCallRequest;
import io.micro.grpc.interop.StreamingInputCallResponse;
import io.micro.grpc.interop.StreamingOutputCallRequest;
import io.micro.grpc.interop.StreamingOutputCallResponse;
import io.micro.grpc.interop.TestServiceGrpc;
import io.micro.server.Server;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gRPC interop test cases that apply to a server (grpc/grpc doc/interop-test-descriptions.md),
 * driven by grpc-java's client against {@code grpc.testing.TestService} served by a micro handler.
 */
class GrpcInteropTest {
  private static final long WAIT = 20;
  private Server server;
  private ManagedChannel channel;
  private TestServiceGrpc.TestServiceBlockingStub blocking;
  private TestServiceGrpc.TestServiceStub async;

  @BeforeEach
  void start() {
    server = Server.builder().name("grpc.testing").address("127.0.0.1:0").build();
    server.handle("TestService", new TestServiceHandler());
    server.start();
    channel = Grpc.newChannelBuilder(server.address(), InsecureChannelCredentials.create()).build();
    blocking = TestServiceGrpc.newBlockingStub(channel).withDeadlineAfter(WAIT, TimeUnit.SECONDS);
    async = TestServiceGrpc.newStub(channel).withDeadlineAfter(WAIT, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.stop();
  }

  @Test
  void emptyUnary() {
    assertThat(blocking.emptyCall(Empty.getDefaultInstance())).isEqualTo(Empty.getDefaultInstance());
  }

  @Test
  void largeUnary() {
    SimpleResponse r = blocking.unaryCall(SimpleRequest.newBuilder().setResponseSize(314159)
        .setPayload(payload(271828)).build());
    assertThat(r.getPayload().getBody()).isEqualTo(ByteString.copyFrom(new byte[314159]));
  }

  @Test
  void clientStreaming() throws Exception {
    CompletableFuture<StreamingInputCallResponse> done = new CompletableFuture<>();
    StreamObserver<StreamingInputCallRequest> in = async.streamingInputCall(single(done));
    for (int size : new int[] {27182, 8, 1828, 45904}) {
      in.onNext(StreamingInputCallRequest.newBuilder().setPayload(payload(size)).build());
    }
    in.onCompleted();
    assertThat(done.get(WAIT, TimeUnit.SECONDS).getAggregatedPayloadSize()).isEqualTo(74922);
  }

  @Test
  void serverStreaming() {
    List<Integer> sizes = new ArrayList<>();
    blocking.streamingOutputCall(outputRequest(31415, 9, 2653, 58979))
        .forEachRemaining(r -> sizes.add(r.getPayload().getBody().size()));
    assertThat(sizes).containsExactly(31415, 9, 2653, 58979);
  }

  @Test
  void pingPong() throws Exception {
    BlockingQueue<StreamingOutputCallResponse> replies = new LinkedBlockingQueue<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    StreamObserver<StreamingOutputCallRequest> out = async.fullDuplexCall(collect(replies, done));
    int[][] rounds = {{31415, 27182}, {9, 8}, {2653, 1828}, {58979, 45904}};
    for (int[] round : rounds) {
      out.onNext(outputRequest(round[0]).toBuilder().setPayload(payload(round[1])).build());
      StreamingOutputCallResponse r = replies.poll(WAIT, TimeUnit.SECONDS);
      assertThat(r).isNotNull();
      assertThat(r.getPayload().getBody().size()).isEqualTo(round[0]);
    }
    out.onCompleted();
    done.get(WAIT, TimeUnit.SECONDS);
    assertThat(replies).isEmpty();
  }

  @Test
  void emptyStream() throws Exception {
    BlockingQueue<StreamingOutputCallResponse> replies = new LinkedBlockingQueue<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    async.fullDuplexCall(collect(replies, done)).onCompleted();
    done.get(WAIT, TimeUnit.SECONDS);
    assertThat(replies).isEmpty();
  }

  @Test
  void cancelAfterBegin() {
    CompletableFuture<StreamingInputCallResponse> done = new CompletableFuture<>();
    Context.CancellableContext ctx = Context.current().withCancellation();
    ctx.run(() -> async.streamingInputCall(single(done)));
    ctx.cancel(new RuntimeException("cancelled by the test"));
    assertThatThrownBy(() -> done.get(WAIT, TimeUnit.SECONDS))
        .cause().isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.CANCELLED));
    assertThat(blocking.emptyCall(Empty.getDefaultInstance())).isNotNull(); // still serving
  }

  @Test
  void cancelAfterFirstResponse() throws Exception {
    BlockingQueue<StreamingOutputCallResponse> replies = new LinkedBlockingQueue<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    io.grpc.stub.ClientCallStreamObserver<StreamingOutputCallRequest> out =
        (io.grpc.stub.ClientCallStreamObserver<StreamingOutputCallRequest>) async.fullDuplexCall(collect(replies, done));
    out.onNext(outputRequest(31415).toBuilder().setPayload(payload(27182)).build());
    assertThat(replies.poll(WAIT, TimeUnit.SECONDS)).isNotNull();
    out.cancel("cancelled by the test", null);
    assertThatThrownBy(() -> done.get(WAIT, TimeUnit.SECONDS))
        .cause().isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.CANCELLED));
    assertThat(blocking.emptyCall(Empty.getDefaultInstance())).isNotNull();
  }

  @Test
  void timeoutOnSleepingServer() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    StreamObserver<StreamingOutputCallRequest> out = TestServiceGrpc.newStub(channel)
        .withDeadlineAfter(1, TimeUnit.MILLISECONDS).fullDuplexCall(collect(new LinkedBlockingQueue<>(), done));
    try {
      out.onNext(StreamingOutputCallRequest.newBuilder().setPayload(payload(27182)).build());
    } catch (IllegalStateException alreadyOver) {
      // the deadline may pass before the first message is sent
    }
    assertThatThrownBy(() -> done.get(WAIT, TimeUnit.SECONDS))
        .cause().isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
    assertThat(blocking.emptyCall(Empty.getDefaultInstance())).isNotNull();
  }

  @Test
  void statusCodeAndMessage() throws Exception {
    EchoStatus status = EchoStatus.newBuilder().setCode(2).setMessage("test status message").build();
    assertThatThrownBy(() -> blocking.unaryCall(SimpleRequest.newBuilder().setResponseStatus(status).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNKNOWN);
          assertThat(e.getStatus().getDescription()).isEqualTo("test status message");
        });
    CompletableFuture<Void> done = new CompletableFuture<>();
    StreamObserver<StreamingOutputCallRequest> out = async.fullDuplexCall(collect(new LinkedBlockingQueue<>(), done));
    out.onNext(StreamingOutputCallRequest.newBuilder().setResponseStatus(status).build());
    out.onCompleted();
    assertThatThrownBy(() -> done.get(WAIT, TimeUnit.SECONDS))
        .cause().isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNKNOWN);
          assertThat(e.getStatus().getDescription()).isEqualTo("test status message");
        });
  }

  @Test
  void customMetadata() throws Exception {
    io.grpc.Metadata.Key<String> initial = io.grpc.Metadata.Key.of("x-grpc-test-echo-initial",
        io.grpc.Metadata.ASCII_STRING_MARSHALLER);
    io.grpc.Metadata.Key<byte[]> trailing = io.grpc.Metadata.Key.of("x-grpc-test-echo-trailing-bin",
        io.grpc.Metadata.BINARY_BYTE_MARSHALLER);
    byte[] trailingValue = {(byte) 0xab, (byte) 0xab, (byte) 0xab};
    io.grpc.Metadata sent = new io.grpc.Metadata();
    sent.put(initial, "test_initial_metadata_value");
    sent.put(trailing, trailingValue);
    for (boolean duplex : new boolean[] {false, true}) {
      AtomicReference<io.grpc.Metadata> headers = new AtomicReference<>();
      AtomicReference<io.grpc.Metadata> trailers = new AtomicReference<>();
      io.grpc.ClientInterceptor capture = io.grpc.stub.MetadataUtils.newCaptureMetadataInterceptor(headers, trailers);
      io.grpc.ClientInterceptor attach = io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(sent);
      if (duplex) {
        LinkedBlockingQueue<StreamingOutputCallResponse> replies = new LinkedBlockingQueue<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        StreamObserver<StreamingOutputCallRequest> out = async.withInterceptors(capture, attach)
            .fullDuplexCall(collect(replies, done));
        out.onNext(outputRequest(314159));
        out.onCompleted();
        done.get(WAIT, TimeUnit.SECONDS);
        assertThat(replies.poll().getPayload().getBody().size()).isEqualTo(314159);
      } else {
        SimpleResponse r = blocking.withInterceptors(capture, attach).unaryCall(
            SimpleRequest.newBuilder().setResponseSize(314159).setPayload(payload(271828)).build());
        assertThat(r.getPayload().getBody().size()).isEqualTo(314159);
      }
      assertThat(headers.get().get(initial)).as("duplex %s", duplex).isEqualTo("test_initial_metadata_value");
      assertThat(trailers.get().get(trailing)).as("duplex %s", duplex).isEqualTo(trailingValue);
    }
  }

  private static Payload payload(int size) {
    return Payload.newBuilder().setBody(ByteString.copyFrom(new byte[size])).build();
  }

  private static StreamingOutputCallRequest outputRequest(int... sizes) {
    StreamingOutputCallRequest.Builder b = StreamingOutputCallRequest.newBuilder();
    for (int s : sizes) {
      b.addResponseParameters(ResponseParameters.newBuilder().setSize(s));
    }
    return b.build();
  }

  private static <T> StreamObserver<T> single(CompletableFuture<T> done) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        done.complete(value);
      }

      @Override
      public void onError(Throwable t) {
        done.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        done.complete(null);
      }
    };
  }

  private static <T> StreamObserver<T> collect(BlockingQueue<T> into, CompletableFuture<Void> done) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        into.add(value);
      }

      @Override
      public void onError(Throwable t) {
        done.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        done.complete(null);
      }
    };
  }
}
