/**
 * Streams of messages between a client and a server, shared by both sides: {@link
 * io.micro.stream.StreamSender} (send with backpressure), {@link io.micro.stream.StreamReceiver}
 * (blocking receive, {@code null} at the end), {@link io.micro.stream.BidiStream} (both) and
 * {@link io.micro.stream.StreamObserver} (the asynchronous receiving side).
 *
 * <p>Server handlers take these types as parameters (server streaming {@code void m(Req,
 * StreamSender<Resp>)}, client streaming {@code Resp m(StreamReceiver<Req>)}, bidirectional {@code
 * void m(BidiStream<Req, Resp>)}); clients get them from {@link io.micro.client.Client#stream}. The
 * wire framing is go-micro's (see {@code docs/streaming.md}).
 */
@NullMarked
package io.micro.stream;

import org.jspecify.annotations.NullMarked;
