package io.micro.server;

import io.micro.metadata.Metadata;

/**
 * A subscriber as a function: receives each message of a topic decoded into {@code T}, with the
 * event's headers as metadata ({@code Micro-Topic}, {@code Micro-ID}, {@code Content-Type} and the
 * publisher's metadata). Registered as endpoint {@code Func}, as go-micro registers function
 * subscribers. Throwing signals failure (see {@link io.micro.broker.Broker} for redelivery).
 *
 * <pre>{@code
 * server.subscribe("go.micro.srv.greeter", Greeting.class, (md, msg) -> log.info("got {}", msg));
 * }</pre>
 *
 * @param <T> the message type the payload is decoded into
 */
@FunctionalInterface
public interface MessageHandler<T> {

  /** Handles one message; runs on a broker thread with {@link Metadata#current()} bound to {@code metadata}. */
  void handle(Metadata metadata, T message) throws Exception;
}
