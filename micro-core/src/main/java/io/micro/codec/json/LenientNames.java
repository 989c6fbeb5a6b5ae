package io.micro.codec.json;

import com.fasterxml.jackson.databind.PropertyName;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.AnnotatedField;
import com.fasterxml.jackson.databind.introspect.AnnotatedMethod;
import com.fasterxml.jackson.databind.introspect.AnnotatedParameter;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import java.lang.reflect.Executable;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Gives every deserialised property an alias in the other naming convention: {@code userId} also
 * accepts {@code user_id} and {@code user_id} also accepts {@code userId}, as go-micro's jsonpb
 * reader does. Runs once per type, when Jackson builds the deserializer.
 */
final class LenientNames extends JacksonAnnotationIntrospector {
  private static final long serialVersionUID = 1L;

  @Override
  public @Nullable List<PropertyName> findPropertyAliases(Annotated member) {
    List<PropertyName> explicit = super.findPropertyAliases(member);
    String name = nameOf(member);
    if (name == null || name.isEmpty()) {
      return explicit;
    }
    String other = name.indexOf('_') >= 0 ? camel(name) : snake(name);
    if (other.equals(name)) {
      return explicit;
    }
    List<PropertyName> out = explicit == null ? new ArrayList<>(1) : new ArrayList<>(explicit);
    out.add(PropertyName.construct(other));
    return out;
  }

  private @Nullable String nameOf(Annotated member) {
    PropertyName declared = findNameForDeserialization(member);
    if (declared != null && declared.hasSimpleName()) {
      return declared.getSimpleName();
    }
    if (member instanceof AnnotatedField field) {
      return field.getName();
    }
    if (member instanceof AnnotatedMethod method) {
      String n = method.getName();
      return n.length() > 3 && n.startsWith("set") ? decapitalize(n.substring(3)) : null;
    }
    if (member instanceof AnnotatedParameter param
        && param.getOwner().getAnnotated() instanceof Executable executable) {
      int index = param.getIndex();
      Class<?> owner = executable.getDeclaringClass();
      RecordComponent[] components = owner.isRecord() ? owner.getRecordComponents() : null;
      if (components != null && components.length == executable.getParameterCount()) {
        return components[index].getName();
      }
      Parameter p = executable.getParameters()[index];
      return p.isNamePresent() ? p.getName() : null;
    }
    return null;
  }

  /** {@code userId} to {@code user_id}. */
  static String snake(String name) {
    StringBuilder sb = new StringBuilder(name.length() + 4);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        if (i > 0) {
          sb.append('_');
        }
        sb.append((char) (c + 32));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** {@code user_id} to {@code userId}. */
  static String camel(String name) {
    StringBuilder sb = new StringBuilder(name.length());
    boolean up = false;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '_') {
        up = sb.length() > 0;
      } else if (up) {
        sb.append(Character.toUpperCase(c));
        up = false;
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static String decapitalize(String s) {
    return Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }
}
