package io.micro.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.DynamicMessage;
import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.micro.server.Server;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * grpc-java's reflection client stubs (grpc-services) list the services of a micro server, fetch
 * descriptors by symbol and file name, and call a method through a descriptor built from the answer
 * alone ({@link DynamicMessage}): what grpcurl and other standard tooling do.
 */
class GrpcReflectionTest {
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() {
    server = Server.builder().name("micro.test").address("127.0.0.1:0").build();
    server.handle("Say", new SayHandler());      // declared by micro/test/greeter.proto
    server.handle("Greeter", new SayHandler());  // declared by no proto: a synthetic service
    server.handle("Plain", new PlainHandler());  // not protobuf: not listed
    server.start();
    channel = Grpc.newChannelBuilder(server.address(), InsecureChannelCredentials.create()).build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.stop();
  }

  /** A handler with plain Java types. */
  public static final class PlainHandler {
    /** Echoes. */
    public String echo(String in) {
      return in;
    }
  }

  @Test
  void listsTheProtobufServicesOverV1AndV1alpha() throws Exception {
    List<String> v1 = ask(ServerReflectionRequest.newBuilder().setListServices("*").build()).get(0)
        .getListServicesResponse().getServiceList().stream().map(ServiceResponse::getName).toList();
    assertThat(v1).contains("micro.test.Say", "micro.test.Greeter", "grpc.health.v1.Health",
        "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection");
    assertThat(v1).noneMatch(s -> s.contains("Plain") || s.contains("Debug"));

    CompletableFuture<io.grpc.reflection.v1alpha.ServerReflectionResponse> alpha = new CompletableFuture<>();
    StreamObserver<io.grpc.reflection.v1alpha.ServerReflectionRequest> in =
        io.grpc.reflection.v1alpha.ServerReflectionGrpc.newStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
            .serverReflectionInfo(observer(alpha));
    in.onNext(io.grpc.reflection.v1alpha.ServerReflectionRequest.newBuilder().setListServices("").build());
    in.onCompleted();
    assertThat(alpha.get(20, TimeUnit.SECONDS).getListServicesResponse().getServiceList())
        .extracting(io.grpc.reflection.v1alpha.ServiceResponse::getName)
        .containsExactlyInAnyOrderElementsOf(v1);
  }

  @Test
  void aSyntheticServiceDescribesTheHandlerAndCanBeCalledDynamically() throws Exception {
    ServerReflectionResponse r = ask(ServerReflectionRequest.newBuilder()
        .setFileContainingSymbol("micro.test.Greeter").build()).get(0);
    FileDescriptor file = build(r.getFileDescriptorResponse().getFileDescriptorProtoList());
    assertThat(file.getName()).isEqualTo("micro/synthetic/micro/test/Greeter.proto");
    assertThat(file.getDependencies()).extracting(FileDescriptor::getName).contains("micro/test/greeter.proto");
    ServiceDescriptor greeter = file.findServiceByName("Greeter");
    assertThat(greeter.getMethods()).extracting(MethodDescriptor::getName)
        .containsExactlyInAnyOrder("Hello", "Fail", "Stream", "Sum", "Chat");
    assertThat(greeter.findMethodByName("Stream").toProto().getServerStreaming()).isTrue();
    assertThat(greeter.findMethodByName("Stream").toProto().getClientStreaming()).isFalse();
    assertThat(greeter.findMethodByName("Sum").toProto().getClientStreaming()).isTrue();
    assertThat(greeter.findMethodByName("Chat").toProto().getServerStreaming()).isTrue();
    assertThat(greeter.findMethodByName("Chat").toProto().getClientStreaming()).isTrue();

    MethodDescriptor hello = greeter.findMethodByName("Hello");
    io.grpc.MethodDescriptor<DynamicMessage, DynamicMessage> method =
        io.grpc.MethodDescriptor.<DynamicMessage, DynamicMessage>newBuilder()
            .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(io.grpc.MethodDescriptor.generateFullMethodName(greeter.getFullName(), hello.getName()))
            .setRequestMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(hello.getInputType())))
            .setResponseMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(hello.getOutputType())))
            .build();
    DynamicMessage request = DynamicMessage.newBuilder(hello.getInputType())
        .setField(hello.getInputType().findFieldByName("name"), "dynamic").build();
    DynamicMessage reply = ClientCalls.blockingUnaryCall(channel, method,
        CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS), request);
    assertThat(reply.getField(hello.getOutputType().findFieldByName("msg"))).isEqualTo("Hello dynamic");
  }

  @Test
  void declaredServicesMessagesAndFilesAreFoundAndUnknownsAreNotFound() throws Exception {
    List<ServerReflectionResponse> r = ask(
        ServerReflectionRequest.newBuilder().setFileContainingSymbol("micro.test.Say").build(),
        ServerReflectionRequest.newBuilder().setFileContainingSymbol("micro.test.Say.Hello").build(),
        ServerReflectionRequest.newBuilder().setFileContainingSymbol("micro.test.Request").build(),
        ServerReflectionRequest.newBuilder().setFileByFilename("grpc/health/v1/health.proto").build(),
        ServerReflectionRequest.newBuilder().setFileContainingSymbol("no.such.Service").build(),
        ServerReflectionRequest.newBuilder().setFileByFilename("no/such.proto").build(),
        ServerReflectionRequest.newBuilder().setAllExtensionNumbersOfType("micro.test.Request").build());
    for (int i = 0; i < 3; i++) {
      assertThat(build(r.get(i).getFileDescriptorResponse().getFileDescriptorProtoList()).getName())
          .as("answer %d", i).isEqualTo("micro/test/greeter.proto");
    }
    FileDescriptor health = build(r.get(3).getFileDescriptorResponse().getFileDescriptorProtoList());
    assertThat(health.findServiceByName("Health")).isNotNull();
    assertThat(r.get(4).getErrorResponse().getErrorCode()).isEqualTo(5);
    assertThat(r.get(4).getErrorResponse().getErrorMessage()).contains("no.such.Service");
    assertThat(r.get(5).getErrorResponse().getErrorCode()).isEqualTo(5);
    assertThat(r.get(6).getAllExtensionNumbersResponse().getBaseTypeName()).isEqualTo("micro.test.Request");
    assertThat(r.get(6).getOriginalRequest().getAllExtensionNumbersOfType()).isEqualTo("micro.test.Request");
  }

  /** Sends {@code requests} on one reflection stream, returns the responses in order. */
  private List<ServerReflectionResponse> ask(ServerReflectionRequest... requests) throws Exception {
    List<ServerReflectionResponse> got = new ArrayList<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> in = ServerReflectionGrpc.newStub(channel)
        .withDeadlineAfter(20, TimeUnit.SECONDS)
        .serverReflectionInfo(new StreamObserver<>() {
          @Override
          public void onNext(ServerReflectionResponse value) {
            got.add(value);
          }

          @Override
          public void onError(Throwable t) {
            done.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
            done.complete(null);
          }
        });
    for (ServerReflectionRequest r : requests) {
      in.onNext(r);
    }
    in.onCompleted();
    done.get(20, TimeUnit.SECONDS);
    assertThat(got).hasSize(requests.length);
    return got;
  }

  private static <T> StreamObserver<T> observer(CompletableFuture<T> first) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        first.complete(value);
      }

      @Override
      public void onError(Throwable t) {
        first.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        first.completeExceptionally(new AssertionError("no response"));
      }
    };
  }

  /** Builds the first file of a reflection answer from the answer alone (its dependencies follow it). */
  private static FileDescriptor build(List<ByteString> protos) throws Exception {
    assertThat(protos).isNotEmpty();
    Map<String, FileDescriptorProto> byName = new HashMap<>();
    for (ByteString b : protos) {
      FileDescriptorProto p = FileDescriptorProto.parseFrom(b);
      byName.put(p.getName(), p);
    }
    return build(FileDescriptorProto.parseFrom(protos.get(0)).getName(), byName, new HashMap<>());
  }

  private static FileDescriptor build(String name, Map<String, FileDescriptorProto> protos,
      Map<String, FileDescriptor> built) throws Exception {
    FileDescriptor f = built.get(name);
    if (f != null) {
      return f;
    }
    FileDescriptorProto p = protos.get(name);
    assertThat(p).as("file %s in the answer", name).isNotNull();
    List<FileDescriptor> deps = new ArrayList<>();
    for (String d : p.getDependencyList()) {
      deps.add(build(d, protos, built));
    }
    f = FileDescriptor.buildFrom(p, deps.toArray(new FileDescriptor[0]));
    built.put(name, f);
    return f;
  }
}
