package io.micro.client;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * Turns calls on a proxy interface into client calls. Every abstract method is resolved once, when
 * the proxy is made, into its endpoint, request shape and reply type (see {@link
 * Client#proxy(Class, String)}); invocations only look that up.
 */
final class ProxyHandler implements InvocationHandler {
  private static final Object[] NO_ARGS = new Object[0];

  private final MucpClient client;
  private final Class<?> api;
  private final String service;
  private final CallOptions options;
  private final Map<Method, Endpoint> endpoints = new HashMap<>();

  ProxyHandler(MucpClient client, Class<?> api, String service, CallOptions options) {
    if (!api.isInterface()) {
      throw new IllegalArgumentException("api: " + api.getName() + " (expected: an interface)");
    }
    this.client = client;
    this.api = api;
    this.service = service;
    this.options = options;
    for (Method m : api.getMethods()) {
      if (!m.isDefault() && !Modifier.isStatic(m.getModifiers()) && !isObjectMethod(m)) {
        endpoints.put(m, Endpoint.of(api, m));
      }
    }
  }

  @Override
  public @Nullable Object invoke(Object proxy, Method method, Object @Nullable [] args) throws Throwable {
    Object[] a = args == null ? NO_ARGS : args;
    Endpoint e = endpoints.get(method);
    if (e == null) {
      if (method.isDefault()) {
        return InvocationHandler.invokeDefault(proxy, method, a);
      }
      return objectMethod(proxy, method, a);
    }
    Object body = e.bodyIndex >= 0 ? a[e.bodyIndex] : Map.of();
    if (body == null) {
      throw new IllegalArgumentException(api.getSimpleName() + "." + method.getName()
          + ": request is null (expected: a request object)");
    }
    CallOptions o = e.optionsIndex >= 0 && a[e.optionsIndex] != null ? (CallOptions) a[e.optionsIndex] : options;
    if (e.stream) {
      return stream(e, body, o);
    }
    CompletableFuture<@Nullable Object> f = client.execute(Request.of(service, e.name, body), e.replyType, o);
    if (e.async) {
      return client.handOff(f, Object.class);
    }
    return MucpClient.join(f);
  }

  /**
   * A stream method: with a request parameter it is server streaming (request sent, sending side
   * closed); without, the caller sends. The placeholder first message is empty.
   */
  private ClientStream<Object, Object> stream(Endpoint e, Object body, CallOptions o) {
    ClientStream<Object, Object> s = client.openStream(Request.of(service, e.name, body), e.replyType,
        o, null, new byte[0]);
    if (e.bodyIndex >= 0) {
      try {
        s.send(body);
        s.closeSend();
      } catch (RuntimeException failed) {
        s.close();
        throw failed;
      }
    }
    return s;
  }

  private @Nullable Object objectMethod(Object proxy, Method method, Object[] a) {
    switch (method.getName()) {
      case "equals":
        return proxy == a[0];
      case "hashCode":
        return System.identityHashCode(proxy);
      case "toString":
        return "proxy of " + api.getName() + " for service " + service;
      default:
        throw new UnsupportedOperationException(method.toString());
    }
  }

  private static boolean isObjectMethod(Method m) {
    try {
      Object.class.getMethod(m.getName(), m.getParameterTypes());
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  /** What one proxy method calls and how. */
  private static final class Endpoint {
    final String name;
    final Type replyType;
    final boolean async;
    final int bodyIndex;
    final int optionsIndex;
    final boolean stream;

    private Endpoint(String name, Type replyType, boolean async, int bodyIndex, int optionsIndex,
        boolean stream) {
      this.stream = stream;
      this.name = name;
      this.replyType = replyType;
      this.async = async;
      this.bodyIndex = bodyIndex;
      this.optionsIndex = optionsIndex;
    }

    static Endpoint of(Class<?> api, Method m) {
      String where = api.getName() + "." + m.getName();
      String name = api.getSimpleName() + "." + Character.toUpperCase(m.getName().charAt(0))
          + m.getName().substring(1);
      Class<?>[] params = m.getParameterTypes();
      int bodyIndex = -1;
      int optionsIndex = -1;
      for (int i = 0; i < params.length; i++) {
        if (params[i] == CallOptions.class && i == params.length - 1) {
          optionsIndex = i;
        } else if (bodyIndex < 0) {
          bodyIndex = i;
        } else {
          throw new IllegalArgumentException(where + ": " + params.length
              + " parameters (expected: (request), (request, CallOptions), () or (CallOptions))");
        }
      }
      Class<?> raw = m.getReturnType();
      boolean async = raw == CompletableFuture.class || raw == CompletionStage.class;
      Type reply;
      if (raw == ClientStream.class) {
        if (!(m.getGenericReturnType() instanceof ParameterizedType p)) {
          throw new IllegalArgumentException(where + ": raw ClientStream (expected: ClientStream<Req, Resp>)");
        }
        return new Endpoint(name, upperBound(p.getActualTypeArguments()[1]), false, bodyIndex,
            optionsIndex, true);
      }
      if (async) {
        reply = m.getGenericReturnType() instanceof ParameterizedType p
            ? upperBound(p.getActualTypeArguments()[0]) : Object.class;
      } else {
        reply = raw.isPrimitive() ? box(raw) : m.getGenericReturnType();
      }
      return new Endpoint(name, reply, async, bodyIndex, optionsIndex, false);
    }

    private static Type upperBound(Type t) {
      return t instanceof WildcardType w ? w.getUpperBounds()[0] : t;
    }

    private static Class<?> box(Class<?> c) {
      if (c == void.class) {
        return Void.class;
      }
      return java.lang.invoke.MethodType.methodType(c).wrap().returnType();
    }
  }
}
