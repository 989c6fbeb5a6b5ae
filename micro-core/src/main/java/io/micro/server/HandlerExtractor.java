package io.micro.server;

import io.micro.metadata.Metadata;
import io.micro.registry.Endpoint;
import io.micro.stream.BidiStream;
import io.micro.stream.StreamReceiver;
import io.micro.stream.StreamSender;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Turns a handler object into {@link HandlerMethod}s: every public instance method of its class (not
 * those of {@code Object}) becomes endpoint {@code Name.Method}, with the method's first letter
 * upper-cased ({@code hello} becomes {@code Hello}).
 */
final class HandlerExtractor {
  static final String STREAM_SHAPES = "void m(Req, StreamSender<Resp>), Resp m(StreamReceiver<Req>)"
      + " or void m(BidiStream<Req, Resp>), each optionally with Metadata first";
  static final String SHAPES = "Resp m(Req), Resp m(Metadata, Req), CompletionStage<Resp> m(Req)"
      + " or CompletionStage<Resp> m(Metadata, Req), or a stream shape: " + STREAM_SHAPES;

  private HandlerExtractor() {}

  /** The endpoints of {@code handler} served as {@code name}, sorted by endpoint name. */
  static List<HandlerMethod> extract(String name, Object handler) {
    checkName(name, handler);
    Class<?> type = handler.getClass();
    Map<String, Method> byEndpoint = new HashMap<>();
    for (Method m : type.getMethods()) {
      if (!isCandidate(m)) {
        continue;
      }
      String endpoint = name + "." + upperFirst(m.getName());
      Method previous = byEndpoint.put(endpoint, m);
      if (previous != null) {
        throw new IllegalArgumentException("handler " + type.getName() + ": endpoint " + endpoint
            + " maps to both " + describe(previous) + " and " + describe(m)
            + " (expected: one public method per name; overloads are not supported)");
      }
    }
    if (byEndpoint.isEmpty()) {
      throw new IllegalArgumentException("handler " + type.getName()
          + ": no public instance methods (expected: at least one of the shape " + SHAPES + ")");
    }
    List<HandlerMethod> out = new ArrayList<>();
    for (Map.Entry<String, Method> e : byEndpoint.entrySet()) {
      out.add(method(e.getKey(), e.getValue(), handler));
    }
    out.sort(Comparator.comparing(HandlerMethod::endpoint));
    return List.copyOf(out);
  }

  /** The default handler name: the class's simple name. */
  static String defaultName(Object handler) {
    String simple = handler.getClass().getSimpleName();
    if (simple.isEmpty() || simple.contains("$")) {
      throw new IllegalArgumentException("handler " + handler.getClass().getName()
          + ": class has no usable simple name (expected: a named class, or use handle(name, handler))");
    }
    return simple;
  }

  private static void checkName(String name, Object handler) {
    if (name.isEmpty() || name.contains(".") || !name.strip().equals(name)) {
      throw new IllegalArgumentException("handler name: '" + name + "' for "
          + handler.getClass().getName() + " (expected: non-empty, no '.' and no spaces)");
    }
  }

  private static boolean isCandidate(Method m) {
    if (Modifier.isStatic(m.getModifiers()) || m.isBridge() || m.isSynthetic()
        || m.getDeclaringClass() == Object.class) {
      return false;
    }
    try { // equals, hashCode, toString declared again (records, most value classes)
      Object.class.getMethod(m.getName(), m.getParameterTypes());
      return false;
    } catch (NoSuchMethodException notAnObjectMethod) {
      return true;
    }
  }

  private static HandlerMethod method(String endpoint, Method m, Object handler) {
    Class<?>[] params = m.getParameterTypes();
    int skip = params.length > 0 && params[0] == Metadata.class ? 1 : 0;
    HandlerKind kind = kind(m, skip);
    if (kind != HandlerKind.UNARY) {
      return streamMethod(endpoint, m, handler, kind, skip == 1);
    }
    boolean withMetadata = params.length == 2 && params[0] == Metadata.class;
    boolean shapeOk = (params.length == 1 && params[0] != Metadata.class) || withMetadata;
    boolean async = CompletionStage.class.isAssignableFrom(m.getReturnType());
    if (!shapeOk || m.getReturnType() == void.class || m.getReturnType() == Void.class) {
      throw new IllegalArgumentException("handler method " + describe(m) + " for endpoint "
          + endpoint + " has an unsupported shape (expected: " + SHAPES + ")");
    }
    Type requestType = m.getGenericParameterTypes()[params.length - 1];
    Type responseType = async ? stageArgument(m) : m.getGenericReturnType();
    MethodHandle mh = unreflect(m).bindTo(handler);
    MethodType generic = withMetadata
        ? MethodType.methodType(Object.class, Object.class, Object.class)
        : MethodType.methodType(Object.class, Object.class);
    Endpoint schema = new Endpoint(endpoint, Schemas.of(requestType), Schemas.of(responseType), Map.of());
    return new HandlerMethod(endpoint, mh.asType(generic), requestType, responseType, withMetadata,
        async, HandlerKind.UNARY, schema);
  }

  /** The kind a method's parameters (after {@code skip} metadata parameters) make it. */
  private static HandlerKind kind(Method m, int skip) {
    Class<?>[] p = m.getParameterTypes();
    int n = p.length - skip;
    if (n == 2 && p[skip + 1] == StreamSender.class) {
      return HandlerKind.SERVER_STREAM;
    }
    if (n == 1 && p[skip] == BidiStream.class) {
      return HandlerKind.BIDI;
    }
    if (n == 1 && p[skip] == StreamReceiver.class) {
      return HandlerKind.CLIENT_STREAM;
    }
    for (Class<?> c : p) {
      if (c == StreamSender.class || c == StreamReceiver.class || c == BidiStream.class) {
        throw new IllegalArgumentException("handler method " + describe(m)
            + " has an unsupported stream shape (expected: " + STREAM_SHAPES + ")");
      }
    }
    return HandlerKind.UNARY;
  }

  private static HandlerMethod streamMethod(String endpoint, Method m, Object handler,
      HandlerKind kind, boolean withMetadata) {
    Type[] generic = m.getGenericParameterTypes();
    int skip = withMetadata ? 1 : 0;
    Type requestType;
    Type responseType;
    boolean returnsVoid = m.getReturnType() == void.class;
    switch (kind) {
      case SERVER_STREAM -> {
        requestType = generic[skip];
        responseType = typeArgument(m, generic[skip + 1], 0);
      }
      case CLIENT_STREAM -> {
        requestType = typeArgument(m, generic[skip], 0);
        responseType = m.getGenericReturnType();
      }
      default -> {
        requestType = typeArgument(m, generic[skip], 0);
        responseType = typeArgument(m, generic[skip], 1);
      }
    }
    if ((kind == HandlerKind.CLIENT_STREAM) == returnsVoid
        || CompletionStage.class.isAssignableFrom(m.getReturnType())) {
      throw new IllegalArgumentException("handler method " + describe(m) + " for endpoint "
          + endpoint + ": " + (kind == HandlerKind.CLIENT_STREAM ? "must return the response"
          : "must return void") + " (expected: " + STREAM_SHAPES + ")");
    }
    MethodHandle mh = unreflect(m).bindTo(handler);
    MethodType type = MethodType.genericMethodType(mh.type().parameterCount());
    Endpoint schema = new Endpoint(endpoint, Schemas.of(requestType), Schemas.of(responseType),
        Map.of("stream", "true"));
    return new HandlerMethod(endpoint, mh.asType(type), requestType, responseType, withMetadata,
        false, kind, schema);
  }

  /** Type argument {@code index} of a stream parameter; a raw stream type is refused. */
  private static Type typeArgument(Method m, Type param, int index) {
    if (param instanceof ParameterizedType p && p.getActualTypeArguments().length > index) {
      Type t = p.getActualTypeArguments()[index];
      if (t instanceof Class<?> || t instanceof ParameterizedType) {
        return t;
      }
    }
    throw new IllegalArgumentException("handler method " + describe(m) + ": stream parameter "
        + param.getTypeName() + " needs concrete message types (expected: e.g. StreamSender<Reply>)");
  }

  private static Type stageArgument(Method m) {
    Type t = m.getGenericReturnType();
    if (t instanceof ParameterizedType p && p.getActualTypeArguments().length == 1) {
      return p.getActualTypeArguments()[0];
    }
    return Object.class;
  }

  private static MethodHandle unreflect(Method m) {
    try {
      return MethodHandles.publicLookup().unreflect(m);
    } catch (IllegalAccessException notPublicClass) {
      try {
        m.setAccessible(true); // a public method of a non-public class (tests, nested classes)
        return MethodHandles.lookup().unreflect(m);
      } catch (IllegalAccessException | RuntimeException e) {
        throw new IllegalArgumentException("handler method " + describe(m)
            + ": not accessible (expected: a public method of an accessible class)", e);
      }
    }
  }

  static String upperFirst(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  private static String describe(Method m) {
    return m.getDeclaringClass().getSimpleName() + "." + m.getName()
        + Arrays.stream(m.getParameterTypes()).map(Class::getSimpleName)
            .reduce((a, b) -> a + ", " + b).map(s -> "(" + s + ")").orElse("()");
  }
}
