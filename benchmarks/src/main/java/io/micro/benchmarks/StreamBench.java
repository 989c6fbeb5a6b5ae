package io.micro.benchmarks;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.micro.client.Client;
import io.micro.client.ClientStream;
import io.micro.client.Request;
import io.micro.server.Server;
import io.micro.stream.StreamSender;
import io.micro.transport.http.HttpTransport;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * Server-streaming throughput over loopback: messages per second that one client receives from one
 * server stream, mucp over the HTTP transport (our server and client) beside grpc-java's server
 * streaming (grpc-netty-shaded, server and blocking client), both moving the same raw payload bytes
 * ({@code application/octet-stream} for mucp, an identity byte marshaller for gRPC), in one JVM.
 * Both servers respect flow control (ours blocks in {@code send}; the gRPC handler sends while
 * {@code isReady()} and resumes in its on-ready handler).
 *
 * <p>Usage: {@code StreamBench [messages=200000] [payload=256] [runs=5]}. After one warm-up stream
 * of each, the runs alternate (mucp, gRPC, mucp, ...) and the medians are printed.
 */
public final class StreamBench {
  private static final String SERVICE = "bench.streams";

  private StreamBench() {}

  /** The mucp handler: {@code Bench.Count} sends {@code n} copies of the payload. */
  public static final class Bench {
    private final byte[] payload;

    Bench(byte[] payload) {
      this.payload = payload;
    }

    /** Sends as many messages as the 4-byte big-endian request says. */
    public void count(byte[] request, StreamSender<byte[]> out) {
      int n = ByteBuffer.wrap(request).getInt();
      for (int i = 0; i < n; i++) {
        out.send(payload);
      }
    }
  }

  /** Runs the benchmark and prints a Markdown table. */
  public static void main(String[] args) throws Exception {
    int messages = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int size = args.length > 1 ? Integer.parseInt(args[1]) : 256;
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    byte[] payload = new byte[size];
    byte[] request = ByteBuffer.allocate(4).putInt(messages).array();

    HttpTransport transport = HttpTransport.create();
    Server micro = Server.builder().name(SERVICE).transport(transport).build()
        .handle(new Bench(payload));
    micro.start();
    Client client = Client.builder().transport(transport).build();
    io.micro.client.CallOptions options = io.micro.client.CallOptions.DEFAULT.withAddress(micro.address());

    MethodDescriptor<byte[], byte[]> method = MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.SERVER_STREAMING)
        .setFullMethodName(MethodDescriptor.generateFullMethodName("bench.Bench", "Count"))
        .setRequestMarshaller(new Bytes()).setResponseMarshaller(new Bytes()).build();
    ServerServiceDefinition service = ServerServiceDefinition.builder("bench.Bench")
        .addMethod(method, ServerCalls.asyncServerStreamingCall((req, observer) -> {
          // grpc-java's flow control: send while the transport is ready, resume in onReady
          ServerCallStreamObserver<byte[]> out = (ServerCallStreamObserver<byte[]>) observer;
          int n = ByteBuffer.wrap(req).getInt();
          int[] sent = {0};
          Runnable drain = () -> {
            while (sent[0] < n && out.isReady()) {
              out.onNext(payload);
              sent[0]++;
            }
            if (sent[0] == n) {
              sent[0]++;
              out.onCompleted();
            }
          };
          out.setOnReadyHandler(drain);
          drain.run();
        })).build();
    io.grpc.Server grpc = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(service).build().start();
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", grpc.getPort())
        .usePlaintext().build();

    try {
      List<Double> mucp = new ArrayList<>();
      List<Double> grpcRates = new ArrayList<>();
      mucpRun(client, options, request, messages); // warm-up
      grpcRun(channel, method, request, messages);
      for (int r = 0; r < runs; r++) {
        mucp.add(mucpRun(client, options, request, messages));
        grpcRates.add(grpcRun(channel, method, request, messages));
      }
      double m = median(mucp);
      double g = median(grpcRates);
      System.out.printf("messages per stream: %d, payload: %d bytes, runs: %d%n", messages, size, runs);
      System.out.println("| target | messages/s (median) | runs |");
      System.out.println("|---|---|---|");
      System.out.printf("| mucp over HTTP/1.1 (ours) | %.0f | %s |%n", m, rates(mucp));
      System.out.printf("| grpc-java server streaming | %.0f | %s |%n", g, rates(grpcRates));
      System.out.printf("ratio mucp / grpc: %.2f%n", m / g);
    } finally {
      channel.shutdownNow();
      grpc.shutdownNow();
      client.close();
      micro.close();
      transport.close();
    }
  }

  private static double mucpRun(Client client, io.micro.client.CallOptions options, byte[] request,
      int messages) {
    long start = System.nanoTime();
    int got = 0;
    try (ClientStream<Object, byte[]> s = client.serverStream(
        new Request(SERVICE, "Bench.Count", request, "application/octet-stream",
            io.micro.metadata.Metadata.empty()), byte[].class, options)) {
      while (s.receive() != null) {
        got++;
      }
    }
    check(got, messages);
    return got / ((System.nanoTime() - start) / 1e9);
  }

  private static double grpcRun(ManagedChannel channel, MethodDescriptor<byte[], byte[]> method,
      byte[] request, int messages) {
    long start = System.nanoTime();
    int got = 0;
    Iterator<byte[]> it = ClientCalls.blockingServerStreamingCall(channel, method, CallOptions.DEFAULT, request);
    while (it.hasNext()) {
      it.next();
      got++;
    }
    check(got, messages);
    return got / ((System.nanoTime() - start) / 1e9);
  }

  private static void check(int got, int expected) {
    if (got != expected) {
      throw new IllegalStateException("received " + got + " messages (expected: " + expected + ")");
    }
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static String rates(List<Double> values) {
    return values.stream().map(v -> String.format("%.0f", v)).reduce((a, b) -> a + ", " + b).orElse("");
  }

  /** Identity marshaller: the payload bytes as they are. */
  private static final class Bytes implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
