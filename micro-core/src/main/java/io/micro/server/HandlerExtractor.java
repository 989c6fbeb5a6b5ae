package io.micro.server;

import io.micro.metadata.Metadata;
import io.micro.registry.Endpoint;
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
  static final String SHAPES = "Resp m(Req), Resp m(Metadata, Req), CompletionStage<Resp> m(Req)"
      + " or CompletionStage<Resp> m(Metadata, Req)";

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
    return new HandlerMethod(endpoint, mh.asType(generic), requestType, withMetadata, async, schema);
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
