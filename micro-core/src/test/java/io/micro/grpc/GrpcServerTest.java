package io.micro.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.protobuf.ProtoUtils;
import io.micro.errors.MicroException;
import io.micro.grpc.testproto.Request;
import io.micro.grpc.testproto.Response;
import io.micro.grpc.testproto.SayGrpc;
import io.micro.server.Server;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A grpc-java client (code we did not write) calls micro handlers over gRPC on the server's one port. */
class GrpcServerTest {
  private Server server;
  private ManagedChannel channel;
  private SayGrpc.SayBlockingStub stub;

  @BeforeEach
  void start() {
    server = Server.builder().name("micro.test").address("127.0.0.1:0").build();
    server.handle("Say", new SayHandler());
    server.start();
    channel = Grpc.newChannelBuilder(server.address(), InsecureChannelCredentials.create()).build();
    stub = SayGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.stop();
  }

  @Test
  void grpcJavaUnaryReachesTheMicroHandler() {
    Response r = stub.hello(Request.newBuilder().setName("John").build());
    assertThat(r.getMsg()).isEqualTo("Hello John");
  }

  /** Records the thread each call runs on. */
  public static final class ThreadRecorder {
    final java.util.List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();

    public Response hello(Request request) {
      threads.add(Thread.currentThread().getName());
      return Response.newBuilder().setMsg("Hello " + request.getName()).build();
    }
  }

  @Test
  void inDirectModeAGrpcUnaryCallRunsInPlaceOnTheIoThreadAsAMucpCallDoes() throws Exception {
    ThreadRecorder recorder = new ThreadRecorder();
    Server direct = Server.builder().name("micro.direct").address("127.0.0.1:0")
        .executionMode(io.micro.server.ExecutionMode.DIRECT).build();
    direct.handle("Say", recorder);
    direct.start();
    ManagedChannel ch = Grpc.newChannelBuilder(direct.address(), InsecureChannelCredentials.create()).build();
    try {
      SayGrpc.SayBlockingStub s = SayGrpc.newBlockingStub(ch).withDeadlineAfter(20, TimeUnit.SECONDS);
      for (int i = 0; i < 20; i++) {
        assertThat(s.hello(Request.newBuilder().setName("n" + i).build()).getMsg()).isEqualTo("Hello n" + i);
      }
      // one I/O thread serves the connection: no thread per call (DIRECT gives stream handlers one)
      assertThat(recorder.threads).hasSize(20).allSatisfy(t -> assertThat(t).doesNotStartWith("micro-stream"));
      assertThat(new java.util.HashSet<>(recorder.threads)).hasSize(1);
    } finally {
      ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      direct.stop();
    }
  }

  @Test
  void metadataTravelsAsHeaders() {
    io.grpc.Metadata headers = new io.grpc.Metadata();
    headers.put(io.grpc.Metadata.Key.of("x-user", io.grpc.Metadata.ASCII_STRING_MARSHALLER), "alice");
    Response r = stub
        .withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers))
        .hello(Request.newBuilder().setName("John").build());
    assertThat(r.getMsg()).isEqualTo("Hello John (alice)");
  }

  @Test
  void microErrorsBecomeGrpcStatusesWithTheErrorJson() {
    int[][] table = {{400, 3}, {401, 16}, {403, 7}, {404, 5}, {408, 4}, {409, 6}, {412, 9},
        {500, 13}, {501, 12}, {503, 14}, {418, 2}};
    for (int[] row : table) {
      assertThatThrownBy(() -> stub
          .fail(Request.newBuilder().setName("x").setCount(row[0]).build()))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode().value()).as("micro %d", row[0]).isEqualTo(row[1]);
            MicroException micro = MicroException.parse(e.getStatus().getDescription());
            assertThat(micro.code()).isEqualTo(row[0]);
            assertThat(micro.detail()).isEqualTo("failing as asked: x");
          });
    }
  }

  @Test
  void unknownMethodIsUnimplementedAndTheConnectionKeepsServing() {
    MethodDescriptor<Request, Response> missing = MethodDescriptor.<Request, Response>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName("micro.test.Say/Missing")
        .setRequestMarshaller(ProtoUtils.marshaller(Request.getDefaultInstance()))
        .setResponseMarshaller(ProtoUtils.marshaller(Response.getDefaultInstance()))
        .build();
    ClientCall<Request, Response> call = channel.newCall(missing, CallOptions.DEFAULT);
    assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(call, Request.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
    MethodDescriptor<Request, Response> noService = missing.toBuilder()
        .setFullMethodName("micro.test.Nobody/Hello").build();
    assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel.newCall(noService, CallOptions.DEFAULT),
        Request.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
    assertThat(stub.hello(Request.newBuilder().setName("again").build()).getMsg())
        .isEqualTo("Hello again");
  }

  @Test
  void largeMessagesUpToTheLimitPassAndLargerAreResourceExhausted() {
    ByteString big = ByteString.copyFrom(new byte[4 * 1024 * 1024 - 64]);
    SayGrpc.SayBlockingStub big4 = stub.withMaxInboundMessageSize(16 << 20);
    assertThat(big4.hello(Request.newBuilder().setPayload(big).build()).getPayload().size()).isEqualTo(big.size());
    ByteString tooBig = ByteString.copyFrom(new byte[4 * 1024 * 1024 + 1]);
    assertThatThrownBy(() -> big4.hello(Request.newBuilder().setPayload(tooBig).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
    assertThat(stub.hello(Request.newBuilder().setName("still").build()).getMsg()).isEqualTo("Hello still");
  }

  @Test
  void deadlinesTravelAsGrpcTimeout() {
    Response r = stub.withDeadlineAfter(5, TimeUnit.SECONDS)
        .hello(Request.newBuilder().setName("soon").build());
    assertThat(r.getMsg()).isEqualTo("Hello soon");
  }

  @Test
  void mucpOverHttp1StillWorksOnTheSamePort() throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create("http://" + server.address() + "/"))
        .header("Content-Type", "application/protobuf")
        .header("Micro-Service", "micro.test")
        .header("Micro-Endpoint", "Say.Hello")
        .POST(HttpRequest.BodyPublishers.ofByteArray(Request.newBuilder().setName("mucp").build().toByteArray()))
        .build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(Response.parseFrom(r.body()).getMsg()).isEqualTo("Hello mucp");
  }

  @Test
  void serverStreamClientStreamAndBidi() throws Exception {
    java.util.List<String> got = new java.util.ArrayList<>();
    stub.stream(Request.newBuilder().setName("n").setCount(3).build()).forEachRemaining(r -> got.add(r.getMsg()));
    assertThat(got).containsExactly("n 0", "n 1", "n 2");

    SayGrpc.SayStub async = SayGrpc.newStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
    java.util.concurrent.CompletableFuture<String> sum = new java.util.concurrent.CompletableFuture<>();
    io.grpc.stub.StreamObserver<Request> in = async.sum(observer(r -> sum.complete(r.getMsg()), sum));
    for (String n : new String[] {"a", "b", "c"}) {
      in.onNext(Request.newBuilder().setName(n).build());
    }
    in.onCompleted();
    assertThat(sum.get(20, TimeUnit.SECONDS)).isEqualTo("abc");

    java.util.concurrent.BlockingQueue<String> replies = new java.util.concurrent.LinkedBlockingQueue<>();
    java.util.concurrent.CompletableFuture<String> chatDone = new java.util.concurrent.CompletableFuture<>();
    io.grpc.stub.StreamObserver<Request> chat = async.chat(observer(r -> replies.add(r.getMsg()), chatDone));
    chat.onNext(Request.newBuilder().setName("ping").build());
    assertThat(replies.poll(20, TimeUnit.SECONDS)).isEqualTo("re: ping"); // answered before the next is sent
    chat.onNext(Request.newBuilder().setName("pong").build());
    assertThat(replies.poll(20, TimeUnit.SECONDS)).isEqualTo("re: pong");
    chat.onCompleted();
    assertThat(chatDone.get(20, TimeUnit.SECONDS)).isEqualTo("completed");
  }

  static io.grpc.stub.StreamObserver<Response> observer(java.util.function.Consumer<Response> each,
      java.util.concurrent.CompletableFuture<String> done) {
    return new io.grpc.stub.StreamObserver<>() {
      @Override
      public void onNext(Response value) {
        each.accept(value);
      }

      @Override
      public void onError(Throwable t) {
        done.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        done.complete("completed");
      }
    };
  }
}
