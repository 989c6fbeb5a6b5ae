package io.micro.server;

import io.micro.metadata.Metadata;
import io.micro.registry.Endpoint;
import io.micro.registry.Value;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * One subscriber method: how to call it, what to decode into, and its registry endpoint
 * ({@code response} null, metadata {@code subscriber=true, topic=<topic>}, as go-micro registers it).
 */
record SubscriberMethod(String endpoint, Type messageType, Invoker invoker, Endpoint schema) {
  static final String SHAPES = "void m(T) or void m(Metadata, T) (a return value is ignored)";

  /** Calls the subscriber. */
  @FunctionalInterface
  interface Invoker {
    void invoke(Metadata metadata, Object message) throws Throwable;
  }

  static Endpoint schema(String endpoint, Type messageType, String topic) {
    Value request = Schemas.of(messageType);
    return new Endpoint(endpoint, request, null, Map.of("subscriber", "true", "topic", topic));
  }

  /** The function form: endpoint {@code Func}. */
  @SuppressWarnings("unchecked")
  static <T> SubscriberMethod function(String topic, Class<T> type, MessageHandler<T> handler) {
    Invoker inv = (md, msg) -> handler.handle(md, (T) msg);
    return new SubscriberMethod("Func", type, inv, schema("Func", type, topic));
  }

  /** Every public instance method of {@code subscriber}'s class, as {@code SimpleName.Method}. */
  static List<SubscriberMethod> of(String topic, Object subscriber) {
    if (subscriber instanceof MessageHandler<?>) {
      throw new IllegalArgumentException("subscriber of topic " + topic
          + ": a MessageHandler needs its message type (expected: subscribe(topic, Type.class, handler))");
    }
    Class<?> type = subscriber.getClass();
    String name = HandlerExtractor.defaultName(subscriber);
    List<SubscriberMethod> out = new ArrayList<>();
    for (Method m : type.getMethods()) {
      if (Modifier.isStatic(m.getModifiers()) || m.isBridge() || m.isSynthetic()
          || m.getDeclaringClass() == Object.class || isObjectMethod(m)) {
        continue;
      }
      Class<?>[] p = m.getParameterTypes();
      boolean withMetadata = p.length == 2 && p[0] == Metadata.class;
      if (!(p.length == 1 && p[0] != Metadata.class) && !withMetadata) {
        throw new IllegalArgumentException("subscriber method " + type.getSimpleName() + "." + m.getName()
            + " of topic " + topic + " has an unsupported shape (expected: " + SHAPES + ")");
      }
      String endpoint = name + "." + HandlerExtractor.upperFirst(m.getName());
      Type messageType = m.getGenericParameterTypes()[p.length - 1];
      MethodHandle mh = unreflect(m).bindTo(subscriber);
      Invoker inv;
      if (withMetadata) {
        MethodHandle h = mh.asType(MethodType.methodType(void.class, Object.class, Object.class));
        inv = (md, msg) -> {
          h.invokeExact((Object) md, msg); // statement: call site type (Object, Object)void
        };
      } else {
        MethodHandle h = mh.asType(MethodType.methodType(void.class, Object.class));
        inv = (md, msg) -> {
          h.invokeExact(msg);
        };
      }
      out.add(new SubscriberMethod(endpoint, messageType, inv, schema(endpoint, messageType, topic)));
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("subscriber " + type.getName() + " of topic " + topic
          + ": no public instance methods (expected: at least one of the shape " + SHAPES + ")");
    }
    out.sort(Comparator.comparing(SubscriberMethod::endpoint));
    return List.copyOf(out);
  }

  private static boolean isObjectMethod(Method m) {
    try {
      Object.class.getMethod(m.getName(), m.getParameterTypes());
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  private static MethodHandle unreflect(Method m) {
    try {
      return MethodHandles.publicLookup().unreflect(m);
    } catch (IllegalAccessException notPublicClass) {
      try {
        m.setAccessible(true);
        return MethodHandles.lookup().unreflect(m);
      } catch (IllegalAccessException | RuntimeException e) {
        throw new IllegalArgumentException("subscriber method " + m.getName()
            + ": not accessible (expected: a public method of an accessible class)", e);
      }
    }
  }
}
