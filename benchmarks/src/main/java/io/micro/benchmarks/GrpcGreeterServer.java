package io.micro.benchmarks;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.micro.examples.greeter.Request;
import io.micro.examples.greeter.Response;
import io.micro.examples.greeter.SayGrpc;
import java.net.InetSocketAddress;

/**
 * The greeter on grpc-java (grpc-netty-shaded), the peer our server is measured against.
 *
 * <p>Usage: {@code GrpcGreeterServer <port> [default|direct]}; binds 127.0.0.1 only and runs until
 * killed. {@code direct} runs the handler on the event loop ({@code directExecutor()}), {@code
 * default} on grpc-java's default cached thread pool.
 */
public final class GrpcGreeterServer {

  private GrpcGreeterServer() {}

  /** Starts the server and blocks until the process is killed. */
  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    String mode = args.length > 1 ? args[1] : "default";
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port)).addService(new Say());
    switch (mode) {
      case "default" -> { }
      case "direct" -> builder.directExecutor();
      default -> throw new IllegalArgumentException("mode: " + mode + " (expected: default or direct)");
    }
    Server server = builder.build().start();
    System.out.println("grpc greeter (" + mode + ") listening on 127.0.0.1:" + server.getPort());
    server.awaitTermination();
  }

  /** The handler: answers {@code Hello <name>}. */
  static final class Say extends SayGrpc.SayImplBase {
    @Override
    public void hello(Request request, StreamObserver<Response> responseObserver) {
      responseObserver.onNext(Response.newBuilder().setMsg("Hello " + request.getName()).build());
      responseObserver.onCompleted();
    }
  }
}
