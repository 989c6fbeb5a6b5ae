package io.micro.server;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.micro.registry.Value;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Describes request and response types as registry {@link Value}s, the way go-micro's extractor
 * does: a message is {@code {name: TypeName, type: TypeName, values: [fields]}}, a field is
 * {@code {name: fieldName, type: typeName}}, lists are {@code []Elem} without fields, and nothing is
 * described deeper than {@value #MAX_DEPTH} levels.
 *
 * <p>Protobuf messages are described from their descriptor (proto field names, proto scalar types
 * in Go spelling such as {@code int32}, nested messages by their message name); records by their
 * components; other classes by their non-static, non-transient fields ({@code @JsonProperty}
 * renames, {@code @JsonIgnore} skips).
 */
final class Schemas {
  /** Levels of {@link Value} below which nothing is described, as go-micro's extractor. */
  static final int MAX_DEPTH = 3;

  private Schemas() {}

  /** The schema of {@code type}. */
  static Value of(Type type) {
    Value v = value(type, 0);
    return v == null ? Value.of("", "") : v;
  }

  private static @Nullable Value value(Type type, int depth) {
    if (depth >= MAX_DEPTH) {
      return null;
    }
    Class<?> raw = raw(type);
    String name = typeName(type);
    if (Message.class.isAssignableFrom(raw)) {
      Optional<Descriptor> d = descriptor(raw);
      return d.isPresent() ? proto(d.get(), depth) : Value.of(name, name);
    }
    if (isLeaf(raw)) {
      return Value.of(name, name);
    }
    List<Value> fields = new ArrayList<>();
    if (raw.isRecord()) {
      for (RecordComponent c : raw.getRecordComponents()) {
        field(c.getName(), c.getAccessor().getAnnotation(JsonProperty.class),
            c.getAccessor().isAnnotationPresent(JsonIgnore.class) || ignored(raw, c.getName()),
            c.getGenericType(), depth, fields);
      }
    } else {
      for (Class<?> c = raw; c != null && c != Object.class; c = c.getSuperclass()) {
        for (Field f : c.getDeclaredFields()) {
          int mod = f.getModifiers();
          if (Modifier.isStatic(mod) || Modifier.isTransient(mod) || f.isSynthetic()) {
            continue;
          }
          field(f.getName(), f.getAnnotation(JsonProperty.class),
              f.isAnnotationPresent(JsonIgnore.class), f.getGenericType(), depth, fields);
        }
      }
    }
    return new Value(name, name, fields);
  }

  private static boolean ignored(Class<?> record, String component) {
    try {
      return record.getDeclaredField(component).isAnnotationPresent(JsonIgnore.class);
    } catch (NoSuchFieldException e) {
      return false;
    }
  }

  private static void field(String javaName, @Nullable JsonProperty rename, boolean ignore,
      Type type, int depth, List<Value> out) {
    if (ignore) {
      return;
    }
    Value v = value(type, depth + 1);
    if (v == null) {
      return;
    }
    String name = rename != null && !rename.value().isEmpty() ? rename.value() : javaName;
    out.add(new Value(name, v.type(), v.values()));
  }

  private static Value proto(Descriptor d, int depth) {
    List<Value> fields = new ArrayList<>();
    if (depth + 1 < MAX_DEPTH) {
      for (FieldDescriptor f : d.getFields()) {
        if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !f.isRepeated()) {
          Value nested = proto(f.getMessageType(), depth + 1);
          fields.add(new Value(f.getName(), nested.type(), nested.values()));
        } else {
          fields.add(Value.of(f.getName(), protoType(f)));
        }
      }
    }
    return new Value(d.getName(), d.getName(), fields);
  }

  private static String protoType(FieldDescriptor f) {
    if (f.isMapField()) {
      Descriptor entry = f.getMessageType();
      return "map[" + protoScalar(entry.findFieldByNumber(1)) + "]"
          + protoScalar(entry.findFieldByNumber(2));
    }
    String t = protoScalar(f);
    return f.isRepeated() ? "[]" + t : t;
  }

  private static String protoScalar(FieldDescriptor f) {
    return switch (f.getType()) {
      case DOUBLE -> "float64";
      case FLOAT -> "float32";
      case INT64, SINT64, SFIXED64 -> "int64";
      case UINT64, FIXED64 -> "uint64";
      case INT32, SINT32, SFIXED32 -> "int32";
      case UINT32, FIXED32 -> "uint32";
      case BOOL -> "bool";
      case STRING -> "string";
      case BYTES -> "[]uint8";
      case ENUM -> f.getEnumType().getName();
      case MESSAGE, GROUP -> f.getMessageType().getName();
    };
  }

  private static Optional<Descriptor> descriptor(Class<?> messageClass) {
    try {
      Object d = messageClass.getMethod("getDescriptor").invoke(null);
      return d instanceof Descriptor desc ? Optional.of(desc) : Optional.empty();
    } catch (ReflectiveOperationException | RuntimeException e) {
      return Optional.empty(); // e.g. DynamicMessage: no static descriptor
    }
  }

  /** Go-style name of a Java type: {@code string}, {@code int32}, {@code []string}, {@code Request}. */
  static String typeName(Type type) {
    if (type instanceof GenericArrayType g) {
      return "[]" + typeName(g.getGenericComponentType());
    }
    if (type instanceof WildcardType w) {
      return typeName(w.getUpperBounds()[0]);
    }
    Class<?> raw = raw(type);
    if (raw == byte[].class) {
      return "[]uint8";
    }
    if (raw.isArray()) {
      return "[]" + typeName(raw.getComponentType());
    }
    Type[] args = type instanceof ParameterizedType p ? p.getActualTypeArguments() : new Type[0];
    if (Collection.class.isAssignableFrom(raw)) {
      return "[]" + (args.length == 1 ? typeName(args[0]) : "any");
    }
    if (Map.class.isAssignableFrom(raw)) {
      return args.length == 2 ? "map[" + typeName(args[0]) + "]" + typeName(args[1]) : "map[string]any";
    }
    if (raw == Optional.class) {
      return args.length == 1 ? typeName(args[0]) : "any";
    }
    return scalar(raw).orElseGet(raw::getSimpleName);
  }

  private static Optional<String> scalar(Class<?> c) {
    String s = null;
    if (c == String.class || CharSequence.class.isAssignableFrom(c) || c == char.class
        || c == Character.class || c == java.util.UUID.class) {
      s = "string";
    } else if (c == boolean.class || c == Boolean.class) {
      s = "bool";
    } else if (c == byte.class || c == Byte.class) {
      s = "int8";
    } else if (c == short.class || c == Short.class) {
      s = "int16";
    } else if (c == int.class || c == Integer.class) {
      s = "int32";
    } else if (c == long.class || c == Long.class) {
      s = "int64";
    } else if (c == float.class || c == Float.class) {
      s = "float32";
    } else if (c == double.class || c == Double.class) {
      s = "float64";
    } else if (c == Object.class) {
      s = "any";
    }
    return Optional.ofNullable(s);
  }

  /** Types described without fields: scalars, JDK types, enums, collections, arrays. */
  private static boolean isLeaf(Class<?> c) {
    return c.isPrimitive() || c.isArray() || c.isEnum() || c.isInterface()
        || scalar(c).isPresent() || Collection.class.isAssignableFrom(c)
        || Map.class.isAssignableFrom(c) || c.getName().startsWith("java.");
  }

  private static Class<?> raw(Type type) {
    if (type instanceof Class<?> c) {
      return c;
    }
    if (type instanceof ParameterizedType p) {
      return raw(p.getRawType());
    }
    if (type instanceof GenericArrayType g) {
      return java.lang.reflect.Array.newInstance(raw(g.getGenericComponentType()), 0).getClass();
    }
    if (type instanceof WildcardType w) {
      return raw(w.getUpperBounds()[0]);
    }
    return Object.class; // type variables
  }
}
