package io.micro.grpc;

import com.google.protobuf.ByteString;
import io.micro.errors.MicroException;
import io.micro.grpc.interop.Empty;
import io.micro.grpc.interop.EchoStatus;
import io.micro.grpc.interop.Payload;
import io.micro.grpc.interop.ResponseParameters;
import io.micro.grpc.interop.SimpleRequest;
import io.micro.grpc.interop.SimpleResponse;
import io.micro.grpc.interop.StreamingInputCallRequest;
import io.micro.grpc.interop.StreamingInputCallResponse;
import io.micro.grpc.interop.StreamingOutputCallRequest;
import io.micro.grpc.interop.StreamingOutputCallResponse;
import io.micro.metadata.Metadata;
import io.micro.server.ResponseMetadata;
import io.micro.stream.BidiStream;
import io.micro.stream.StreamReceiver;
import io.micro.stream.StreamSender;

/**
 * {@code grpc.testing.TestService} as a micro handler, behaving as the interop test description
 * asks of a server. A requested status is raised as a micro error without id whose code maps to it
 * (0 for UNKNOWN), so that the message travels as given.
 */
public final class TestServiceHandler {

  /** {@code EmptyCall}. */
  public Empty emptyCall(Empty request) {
    return Empty.getDefaultInstance();
  }

  /** {@code UnaryCall}: a payload of {@code response_size} zero bytes, or the requested status. */
  public SimpleResponse unaryCall(SimpleRequest request) {
    echoMetadata();
    raise(request.getResponseStatus());
    return SimpleResponse.newBuilder().setPayload(payload(request.getResponseSize())).build();
  }

  /** {@code StreamingOutputCall}: one response per response parameter. */
  public void streamingOutputCall(StreamingOutputCallRequest request, StreamSender<StreamingOutputCallResponse> out)
      throws InterruptedException {
    respond(request, out);
  }

  /** {@code StreamingInputCall}: the sum of the payload sizes. */
  public StreamingInputCallResponse streamingInputCall(StreamReceiver<StreamingInputCallRequest> in) {
    int sum = 0;
    for (StreamingInputCallRequest r = in.receive(); r != null; r = in.receive()) {
      sum += r.getPayload().getBody().size();
    }
    return StreamingInputCallResponse.newBuilder().setAggregatedPayloadSize(sum).build();
  }

  /** {@code FullDuplexCall}: answers each request with its response parameters as it arrives. */
  public void fullDuplexCall(BidiStream<StreamingOutputCallRequest, StreamingOutputCallResponse> stream)
      throws InterruptedException {
    echoMetadata();
    for (StreamingOutputCallRequest r = stream.receive(); r != null; r = stream.receive()) {
      respond(r, stream);
    }
  }

  /**
   * The interop case {@code custom_metadata}: {@code x-grpc-test-echo-initial} comes back as a
   * response header, {@code x-grpc-test-echo-trailing-bin} (base64 text) as a trailer.
   */
  private static void echoMetadata() {
    Metadata md = Metadata.current();
    md.get("x-grpc-test-echo-initial").ifPresent(v -> ResponseMetadata.current().header("x-grpc-test-echo-initial", v));
    md.get("x-grpc-test-echo-trailing-bin")
        .ifPresent(v -> ResponseMetadata.current().trailer("x-grpc-test-echo-trailing-bin", v));
  }

  private static void respond(StreamingOutputCallRequest request, StreamSender<StreamingOutputCallResponse> out)
      throws InterruptedException {
    raise(request.getResponseStatus());
    for (ResponseParameters p : request.getResponseParametersList()) {
      if (p.getIntervalUs() > 0) {
        Thread.sleep(p.getIntervalUs() / 1000, (p.getIntervalUs() % 1000) * 1000);
      }
      out.send(StreamingOutputCallResponse.newBuilder().setPayload(payload(p.getSize())).build());
    }
  }

  private static void raise(EchoStatus status) {
    if (status.getCode() != 0) {
      int micro = status.getCode() == GrpcStatus.UNKNOWN ? 0 : GrpcStatus.microCode(status.getCode());
      throw MicroException.of("", micro, status.getMessage());
    }
  }

  private static Payload payload(int size) {
    return Payload.newBuilder().setBody(ByteString.copyFrom(new byte[size])).build();
  }
}
