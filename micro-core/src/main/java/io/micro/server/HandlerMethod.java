package io.micro.server;

import io.micro.metadata.Metadata;
import io.micro.registry.Endpoint;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Type;

/**
 * One endpoint of a handler object: the resolved method handle (bound to the handler instance and
 * adapted to {@code Object} parameters once, at {@code handle} time) and the schema to register.
 *
 * @param endpoint {@code Handler.Method}
 * @param invoker {@code (Object request) -> Object} or {@code (Object metadata, Object request) -> Object}
 * @param requestType the declared request parameter type, used to decode bodies
 * @param withMetadata whether the method takes {@link Metadata} first
 * @param async whether the method returns a {@code CompletionStage}
 * @param schema the registry record of this endpoint
 */
record HandlerMethod(
    String endpoint,
    MethodHandle invoker,
    Type requestType,
    boolean withMetadata,
    boolean async,
    Endpoint schema) {

  /** Calls the method; exceptions thrown by it propagate unchanged. */
  Object invoke(Metadata metadata, Object request) throws Throwable {
    return withMetadata
        ? (Object) invoker.invokeExact((Object) metadata, request)
        : (Object) invoker.invokeExact(request);
  }
}
