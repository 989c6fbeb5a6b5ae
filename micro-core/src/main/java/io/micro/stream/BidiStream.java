package io.micro.stream;

/**
 * Both sides of a bidirectional stream: receives {@code I}, sends {@code O}. A server handler of
 * shape {@code void m(BidiStream<Req, Resp>)} receives requests and sends responses; the two sides
 * are independent, so one thread may receive while another sends.
 *
 * @param <I> the type of received messages
 * @param <O> the type of sent messages
 */
public interface BidiStream<I, O> extends StreamReceiver<I>, StreamSender<O> {}
