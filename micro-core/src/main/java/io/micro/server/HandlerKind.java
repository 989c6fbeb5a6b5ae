package io.micro.server;

/**
 * The shape of a handler method, and so of its endpoint: one request and one response, or a
 * stream on either or both sides. Each shape may take {@link io.micro.metadata.Metadata} first.
 */
public enum HandlerKind {
  /** {@code Resp m(Req)} or {@code CompletionStage<Resp> m(Req)}. */
  UNARY,
  /** {@code void m(Req, StreamSender<Resp>)}: one request, any number of responses. */
  SERVER_STREAM,
  /** {@code Resp m(StreamReceiver<Req>)}: any number of requests, one response. */
  CLIENT_STREAM,
  /** {@code void m(BidiStream<Req, Resp>)}: any number of each, in any order. */
  BIDI;

  /** True for the three stream kinds. */
  public boolean isStream() {
    return this != UNARY;
  }
}
