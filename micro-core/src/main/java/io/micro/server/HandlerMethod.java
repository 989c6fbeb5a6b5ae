package io.micro.server;

import io.micro.metadata.Metadata;
import io.micro.registry.Endpoint;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;

/**
 * One endpoint of a handler object: the resolved method handle (bound to the handler instance and
 * adapted to {@code Object} parameters once, at {@code handle} time) and the schema to register.
 *
 * @param endpoint {@code Handler.Method}
 * @param invoker unary: {@code (Object request) -> Object} or {@code (Object metadata, Object
 *     request) -> Object}; streams: the stream parameters as {@code Object}s after the optional
 *     metadata, returning {@code Object} ({@code null} for {@code void} methods)
 * @param requestType the declared request type (for streams: the request message type argument),
 *     used to decode bodies
 * @param responseType the declared response type (for streams: the response message type argument)
 * @param withMetadata whether the method takes {@link Metadata} first
 * @param async whether the method returns a {@code CompletionStage} (unary only)
 * @param kind unary or one of the stream shapes
 * @param schema the registry record of this endpoint
 */
record HandlerMethod(
    String endpoint,
    MethodHandle invoker,
    Type requestType,
    Type responseType,
    boolean withMetadata,
    boolean async,
    HandlerKind kind,
    Endpoint schema) {

  /** Calls a unary method; exceptions thrown by it propagate unchanged. */
  Object invoke(Metadata metadata, Object request) throws Throwable {
    return withMetadata
        ? (Object) invoker.invokeExact((Object) metadata, request)
        : (Object) invoker.invokeExact(request);
  }

  /**
   * Calls a stream method with its stream parameters ({@code request, sender} for server streaming,
   * the stream object otherwise); exceptions thrown by it propagate unchanged.
   */
  Object invokeStream(Metadata metadata, Object... args) throws Throwable {
    List<Object> all = new ArrayList<>(args.length + 1);
    if (withMetadata) {
      all.add(metadata);
    }
    all.addAll(List.of(args));
    return invoker.invokeWithArguments(all);
  }
}
