package io.micro.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.micro.client.AsyncClientStream;
import io.micro.client.CallOptions;
import io.micro.client.Client;
import io.micro.client.ClientStream;
import io.micro.errors.MicroException;
import io.micro.grpc.testproto.Request;
import io.micro.grpc.testproto.Response;
import io.micro.grpc.testproto.SayGrpc;
import io.micro.metadata.Metadata;
import io.micro.stream.BidiStream;
import io.micro.stream.StreamReceiver;
import io.micro.stream.StreamSender;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Our client streams over gRPC: against a plain grpc-java server (code we did not write) and
 * against our own server's gRPC side, with the same checks.
 */
class GrpcClientStreamTest {
  private io.grpc.Server grpcJava;
  private io.micro.server.Server ours;
  private Client client;
  private final CountDownLatch grpcJavaCancelled = new CountDownLatch(1);
  private final CountDownLatch oursCancelled = new CountDownLatch(1);
  private final AtomicReference<String> seenUser = new AtomicReference<>();

  @BeforeEach
  void start() throws Exception {
    io.grpc.Metadata.Key<String> user = io.grpc.Metadata.Key.of("x-user", io.grpc.Metadata.ASCII_STRING_MARSHALLER);
    grpcJava = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(io.grpc.ServerInterceptors.intercept(new GrpcJavaSay(), new io.grpc.ServerInterceptor() {
          @Override
          public <Q, R> io.grpc.ServerCall.Listener<Q> interceptCall(io.grpc.ServerCall<Q, R> call,
              io.grpc.Metadata headers, io.grpc.ServerCallHandler<Q, R> next) {
            seenUser.set(headers.get(user));
            return next.startCall(call, headers);
          }
        }))
        .build().start();
    ours = io.micro.server.Server.builder().name("micro.test").address("127.0.0.1:0").build();
    ours.handle("Say", new OurSay(oursCancelled));
    ours.start();
    client = Client.builder().build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    client.close();
    ours.stop();
    grpcJava.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private List<CallOptions> targets() {
    return List.of(CallOptions.DEFAULT.withAddress("grpc://127.0.0.1:" + grpcJava.getPort()),
        CallOptions.DEFAULT.withAddress("grpc://" + ours.address()));
  }

  private static io.micro.client.Request req(String endpoint) {
    return io.micro.client.Request.of("micro.test", endpoint, Map.of());
  }

  private static Request named(String name, int count) {
    return Request.newBuilder().setName(name).setCount(count).build();
  }

  @Test
  void serverStreamReceivesUntilTheEnd() {
    for (CallOptions opts : targets()) {
      ClientStream<Object, Response> s = client.serverStream(
          io.micro.client.Request.of("micro.test", "Say.Stream", named("n", 5)), Response.class,
          opts.withMetadata(Metadata.of(Map.of("X-User", "alice"))));
      List<String> got = new ArrayList<>();
      for (Response r = s.receive(); r != null; r = s.receive()) {
        got.add(r.getMsg());
      }
      assertThat(got).as("%s", opts.addresses()).containsExactly("n 0", "n 1", "n 2", "n 3", "n 4");
      assertThat(s.receive()).isNull();
      s.close();
    }
    assertThat(seenUser.get()).isEqualTo("alice");
  }

  @Test
  void clientStreamSendsManyLargeMessagesThroughFlowControl() {
    ByteString payload = ByteString.copyFrom(new byte[64 * 1024]); // 200 x 64 KiB: far beyond the 1 MiB window
    for (CallOptions opts : targets()) {
      try (ClientStream<Request, Response> s = client.stream(req("Say.Sum"), Response.class, opts)) {
        for (int i = 0; i < 200; i++) {
          s.send(Request.newBuilder().setName(Integer.toString(i % 10)).setPayload(payload).build());
        }
        s.closeSend();
        Response r = s.receive();
        assertThat(r).isNotNull();
        assertThat(r.getMsg()).as("%s", opts.addresses()).hasSize(200).startsWith("0123456789");
        assertThat(s.receive()).isNull();
      }
    }
  }

  @Test
  void bidiAnswersEachMessage() {
    for (CallOptions opts : targets()) {
      try (ClientStream<Request, Response> s = client.stream(req("Say.Chat"), Response.class, opts)) {
        for (int i = 0; i < 3; i++) {
          s.send(named("m" + i, 0));
          assertThat(s.receive().getMsg()).isEqualTo("re: m" + i);
        }
        s.closeSend();
        assertThat(s.receive()).isNull();
      }
    }
  }

  @Test
  void asyncStreamDeliversToTheObserver() throws Exception {
    for (CallOptions opts : targets()) {
      List<String> got = new java.util.concurrent.CopyOnWriteArrayList<>();
      CompletableFuture<MicroException> end = new CompletableFuture<>();
      AsyncClientStream<Request> s = client.streamAsync(req("Say.Chat"), Response.class, opts,
          new io.micro.stream.StreamObserver<Response>() {
            @Override
            public void onNext(Response message) {
              got.add(message.getMsg());
            }

            @Override
            public void onError(MicroException error) {
              end.complete(error);
            }

            @Override
            public void onCompleted() {
              end.complete(null);
            }
          });
      s.send(named("a", 0)).get(10, TimeUnit.SECONDS);
      s.send(named("b", 0)).get(10, TimeUnit.SECONDS);
      s.closeSend();
      assertThat(end.get(10, TimeUnit.SECONDS)).isNull();
      s.done().get(10, TimeUnit.SECONDS);
      assertThat(got).containsExactly("re: a", "re: b");
    }
  }

  @Test
  void anErrorMidStreamComesAfterTheMessagesBeforeIt() {
    for (CallOptions opts : targets()) {
      ClientStream<Object, Response> s = client.serverStream(
          io.micro.client.Request.of("micro.test", "Say.Stream", named("fail", 2)), Response.class, opts);
      assertThat(s.receive().getMsg()).isEqualTo("fail 0");
      assertThat(s.receive().getMsg()).isEqualTo("fail 1");
      assertThatThrownBy(s::receive).as("%s", opts.addresses())
          .isInstanceOfSatisfying(MicroException.class, e -> assertThat(e.code()).isEqualTo(403));
      s.close();
    }
  }

  @Test
  void cancelResetsTheStreamAndTheServerSeesIt() throws Exception {
    for (CallOptions opts : targets()) {
      ClientStream<Object, Response> s = client.serverStream(
          io.micro.client.Request.of("micro.test", "Say.Stream", named("forever", -1)), Response.class, opts);
      assertThat(s.receive()).isNotNull();
      s.cancel();
      assertThatThrownBy(s::receive).isInstanceOfSatisfying(MicroException.class,
          e -> assertThat(e.code()).isEqualTo(499));
    }
    assertThat(grpcJavaCancelled.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(oursCancelled.await(10, TimeUnit.SECONDS)).isTrue();
    // the shared connection still serves new streams after a reset
    for (CallOptions opts : targets()) {
      try (ClientStream<Object, Response> s = client.serverStream(
          io.micro.client.Request.of("micro.test", "Say.Stream", named("again", 1)), Response.class, opts)) {
        assertThat(s.receive().getMsg()).isEqualTo("again 0");
        assertThat(s.receive()).isNull();
      }
    }
  }

  @Test
  void theDeadlineEndsTheStreamWith408() {
    for (CallOptions opts : targets()) {
      ClientStream<Object, Response> s = client.serverStream(
          io.micro.client.Request.of("micro.test", "Say.Stream", named("forever", -1)), Response.class,
          opts.withTimeout(Duration.ofMillis(300)));
      assertThatThrownBy(() -> {
        while (s.receive() != null) {
          // drain until the deadline
        }
      }).as("%s", opts.addresses()).isInstanceOfSatisfying(MicroException.class,
          e -> assertThat(e.code()).isEqualTo(408));
      s.close();
    }
  }

  /** The streaming methods of {@code Say} on grpc-java. */
  private final class GrpcJavaSay extends SayGrpc.SayImplBase {
    @Override
    public void stream(Request request, StreamObserver<Response> out) {
      ServerCallStreamObserver<Response> o = (ServerCallStreamObserver<Response>) out;
      o.setOnCancelHandler(grpcJavaCancelled::countDown);
      if (request.getCount() < 0) {
        Thread t = new Thread(() -> {
          try {
            for (int i = 0; !o.isCancelled(); i++) {
              o.onNext(Response.newBuilder().setMsg("forever " + i).build());
              Thread.sleep(10);
            }
          } catch (InterruptedException | RuntimeException e) {
            // cancelled
          }
        });
        t.setDaemon(true);
        t.start();
        return;
      }
      for (int i = 0; i < request.getCount(); i++) {
        out.onNext(Response.newBuilder().setMsg(request.getName() + " " + i).build());
      }
      if (request.getName().equals("fail")) {
        out.onError(Status.PERMISSION_DENIED.withDescription("failing as asked").asRuntimeException());
      } else {
        out.onCompleted();
      }
    }

    @Override
    public StreamObserver<Request> sum(StreamObserver<Response> out) {
      StringBuilder names = new StringBuilder();
      return new StreamObserver<>() {
        @Override
        public void onNext(Request r) {
          names.append(r.getName());
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {
          out.onNext(Response.newBuilder().setMsg(names.toString()).build());
          out.onCompleted();
        }
      };
    }

    @Override
    public StreamObserver<Request> chat(StreamObserver<Response> out) {
      return new StreamObserver<>() {
        @Override
        public void onNext(Request r) {
          out.onNext(Response.newBuilder().setMsg("re: " + r.getName()).build());
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {
          out.onCompleted();
        }
      };
    }
  }

  /** The same methods as a micro handler. */
  public static final class OurSay {
    private final CountDownLatch cancelled;

    OurSay(CountDownLatch cancelled) {
      this.cancelled = cancelled;
    }

    /** {@code count} greetings, forever when negative; fails with 403 after them for the name "fail". */
    public void stream(Request request, StreamSender<Response> out) throws InterruptedException {
      if (request.getCount() < 0) {
        try {
          for (int i = 0; ; i++) {
            out.send(Response.newBuilder().setMsg("forever " + i).build());
            Thread.sleep(10);
          }
        } catch (MicroException e) {
          if (e.code() == 499) {
            cancelled.countDown();
          }
          throw e;
        }
      }
      for (int i = 0; i < request.getCount(); i++) {
        out.send(Response.newBuilder().setMsg(request.getName() + " " + i).build());
      }
      if (request.getName().equals("fail")) {
        throw MicroException.of("micro.test", 403, "failing as asked");
      }
    }

    /** Joins the names of every request. */
    public Response sum(StreamReceiver<Request> in) {
      StringBuilder names = new StringBuilder();
      for (Request r = in.receive(); r != null; r = in.receive()) {
        names.append(r.getName());
      }
      return Response.newBuilder().setMsg(names.toString()).build();
    }

    /** Answers every request at once. */
    public void chat(BidiStream<Request, Response> stream) {
      for (Request r = stream.receive(); r != null; r = stream.receive()) {
        stream.send(Response.newBuilder().setMsg("re: " + r.getName()).build());
      }
    }
  }
}
