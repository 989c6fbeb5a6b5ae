package io.micro.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.micro.client.CallOptions;
import io.micro.client.Client;
import io.micro.client.Request;
import io.micro.errors.MicroException;
import io.micro.grpc.testproto.Response;
import io.micro.grpc.testproto.SayGrpc;
import io.micro.metadata.Metadata;
import io.micro.registry.Node;
import io.micro.registry.memory.MemoryRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Our client calls a plain grpc-java server (code we did not write), by address and through the registry. */
class GrpcClientTest {
  private Server grpcJava;
  private String address;
  private final java.util.concurrent.atomic.AtomicReference<String> seenUser = new java.util.concurrent.atomic.AtomicReference<>();

  @BeforeEach
  void start() throws Exception {
    io.grpc.Metadata.Key<String> user = io.grpc.Metadata.Key.of("x-user", io.grpc.Metadata.ASCII_STRING_MARSHALLER);
    grpcJava = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(io.grpc.ServerInterceptors.intercept(new SayGrpc.SayImplBase() {
          @Override
          public void hello(io.micro.grpc.testproto.Request request, StreamObserver<Response> out) {
            out.onNext(Response.newBuilder().setMsg("Hello " + request.getName()).build());
            out.onCompleted();
          }

          @Override
          public void fail(io.micro.grpc.testproto.Request request, StreamObserver<Response> out) {
            out.onError(Status.PERMISSION_DENIED.withDescription("no: " + request.getName()).asRuntimeException());
          }
        }, new io.grpc.ServerInterceptor() {
          @Override
          public <Q, R> io.grpc.ServerCall.Listener<Q> interceptCall(io.grpc.ServerCall<Q, R> call,
              io.grpc.Metadata headers, io.grpc.ServerCallHandler<Q, R> next) {
            seenUser.set(headers.get(user));
            return next.startCall(call, headers);
          }
        }))
        .build().start();
    address = "127.0.0.1:" + grpcJava.getPort();
  }

  @AfterEach
  void stop() throws InterruptedException {
    grpcJava.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void callsAPlainGrpcJavaServerByAddress() {
    try (Client client = Client.builder().build()) {
      CallOptions opts = CallOptions.DEFAULT.withAddress("grpc://" + address)
          .withMetadata(Metadata.of(Map.of("X-User", "alice")));
      Response r = client.call(Request.of("micro.test", "Say.Hello",
          io.micro.grpc.testproto.Request.newBuilder().setName("John").build()), Response.class, opts);
      assertThat(r.getMsg()).isEqualTo("Hello John");
      assertThat(seenUser.get()).isEqualTo("alice");

      // many concurrent calls share one HTTP/2 connection
      List<CompletableFuture<Response>> many = new java.util.ArrayList<>();
      for (int i = 0; i < 50; i++) {
        many.add(client.callAsync(Request.of("micro.test", "Say.Hello",
            io.micro.grpc.testproto.Request.newBuilder().setName("n" + i).build()), Response.class, opts));
      }
      for (int i = 0; i < 50; i++) {
        assertThat(many.get(i).join().getMsg()).isEqualTo("Hello n" + i);
      }
    }
  }

  @Test
  void grpcStatusesBecomeMicroErrors() {
    try (Client client = Client.builder().build()) {
      assertThatThrownBy(() -> client.call(Request.of("micro.test", "Say.Fail",
              io.micro.grpc.testproto.Request.newBuilder().setName("x").build()), Response.class,
          CallOptions.DEFAULT.withAddress("grpc://" + address)))
          .isInstanceOfSatisfying(MicroException.class, e -> {
            assertThat(e.code()).isEqualTo(403);
            assertThat(e.detail()).isEqualTo("no: x");
          });
      assertThatThrownBy(() -> client.call(Request.of("micro.test", "Say.Missing",
              io.micro.grpc.testproto.Request.newBuilder().build()), Response.class,
          CallOptions.DEFAULT.withAddress("grpc://" + address)))
          .isInstanceOfSatisfying(MicroException.class, e -> assertThat(e.code()).isEqualTo(501));
    }
  }

  @Test
  void registeredGrpcNodesAreCalledOverGrpcAndMicroServersAnswerBoth() {
    MemoryRegistry registry = MemoryRegistry.create();
    registry.register(new io.micro.registry.Service("micro.test", "1.0", Map.of(), List.of(),
        List.of(new Node("grpc-java-1", address, Map.of("protocol", "grpc")))), Duration.ZERO);
    try (Client client = Client.builder().selector(io.micro.selector.Selector.create(registry)).build()) {
      Response r = client.call("micro.test", "Say.Hello",
          io.micro.grpc.testproto.Request.newBuilder().setName("reg").build(), Response.class);
      assertThat(r.getMsg()).isEqualTo("Hello reg");
    }
    // our server serves gRPC too: our client calls it over gRPC, errors keep their micro form
    io.micro.server.Server ours = io.micro.server.Server.builder().name("micro.test").address("127.0.0.1:0").build();
    ours.handle("Say", new SayHandler());
    ours.start();
    try (Client client = Client.builder().build()) {
      CallOptions opts = CallOptions.DEFAULT.withAddress("grpc://" + ours.address());
      Response r = client.call(Request.of("micro.test", "Say.Hello",
          io.micro.grpc.testproto.Request.newBuilder().setName("us").build()), Response.class, opts);
      assertThat(r.getMsg()).isEqualTo("Hello us");
      assertThatThrownBy(() -> client.call(Request.of("micro.test", "Say.Fail",
              io.micro.grpc.testproto.Request.newBuilder().setName("y").setCount(409).build()), Response.class, opts))
          .isInstanceOfSatisfying(MicroException.class, e -> {
            assertThat(e.code()).isEqualTo(409);
            assertThat(e.id()).isEqualTo("micro.test");
            assertThat(e.detail()).isEqualTo("failing as asked: y");
          });
    } finally {
      ours.stop();
    }
  }
}
