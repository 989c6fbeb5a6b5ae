package io.micro.protoc;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Java class protoc's own Java generator gives each message: honours {@code java_package},
 * {@code java_multiple_files} and {@code java_outer_classname} (default: the file name in
 * CamelCase, with {@code OuterClass} appended when a type of the file has that name).
 */
final class JavaTypes {
  private final Map<String, String> javaNames = new HashMap<>();

  private JavaTypes() {}

  /** The Java names of every message of {@code files} (the request's files and their imports). */
  static JavaTypes of(List<FileDescriptorProto> files) {
    JavaTypes types = new JavaTypes();
    for (FileDescriptorProto file : files) {
      String protoPrefix = file.getPackage().isEmpty() ? "." : "." + file.getPackage() + ".";
      String javaPrefix = qualified(javaPackage(file), "");
      if (!file.getOptions().getJavaMultipleFiles()) {
        javaPrefix = javaPrefix + outerClassName(file) + ".";
      }
      for (DescriptorProto message : file.getMessageTypeList()) {
        types.add(message, protoPrefix, javaPrefix);
      }
    }
    return types;
  }

  private void add(DescriptorProto message, String protoPrefix, String javaPrefix) {
    String proto = protoPrefix + message.getName();
    String java = javaPrefix + message.getName();
    javaNames.put(proto, java);
    for (DescriptorProto nested : message.getNestedTypeList()) {
      add(nested, proto + ".", java + ".");
    }
  }

  /**
   * The fully qualified Java class of the message {@code protoName} ({@code .pkg.Message}).
   *
   * @throws GenerationException when the message is not among the request's files
   */
  String javaName(String protoName) {
    String java = javaNames.get(protoName);
    if (java == null) {
      throw new GenerationException("message type '" + protoName
          + "' not found (expected: a message of the files given to protoc or their imports)");
    }
    return java;
  }

  /** The file's Java package: {@code java_package}, else its proto package (may be empty). */
  static String javaPackage(FileDescriptorProto file) {
    return file.getOptions().hasJavaPackage()
        ? file.getOptions().getJavaPackage()
        : file.getPackage();
  }

  /** The class holding the file's descriptor (and its messages unless {@code java_multiple_files}). */
  static String outerClassName(FileDescriptorProto file) {
    if (file.getOptions().hasJavaOuterClassname()) {
      return file.getOptions().getJavaOuterClassname();
    }
    String base = file.getName();
    base = base.substring(base.lastIndexOf('/') + 1);
    if (base.endsWith(".protodevel")) {
      base = base.substring(0, base.length() - ".protodevel".length());
    } else if (base.endsWith(".proto")) {
      base = base.substring(0, base.length() - ".proto".length());
    }
    String name = Names.protocCamelCase(base);
    return declaresType(file, name) ? name + "OuterClass" : name;
  }

  /** True when a message (at any depth), enum or service of {@code file} is named {@code name}. */
  static boolean declaresType(FileDescriptorProto file, String name) {
    for (EnumDescriptorProto e : file.getEnumTypeList()) {
      if (e.getName().equals(name)) {
        return true;
      }
    }
    for (var s : file.getServiceList()) {
      if (s.getName().equals(name)) {
        return true;
      }
    }
    for (DescriptorProto m : file.getMessageTypeList()) {
      if (declares(m, name)) {
        return true;
      }
    }
    return false;
  }

  /** True when a top-level Java type of {@code file} (with multiple files) is named {@code name}. */
  static boolean hasTopLevelClass(FileDescriptorProto file, String name) {
    if (!file.getOptions().getJavaMultipleFiles()) {
      return outerClassName(file).equals(name);
    }
    if (outerClassName(file).equals(name)) {
      return true;
    }
    for (DescriptorProto m : file.getMessageTypeList()) {
      if (m.getName().equals(name) || (m.getName() + "OrBuilder").equals(name)) {
        return true;
      }
    }
    for (EnumDescriptorProto e : file.getEnumTypeList()) {
      if (e.getName().equals(name)) {
        return true;
      }
    }
    return false;
  }

  private static boolean declares(DescriptorProto m, String name) {
    if (m.getName().equals(name)) {
      return true;
    }
    for (EnumDescriptorProto e : m.getEnumTypeList()) {
      if (e.getName().equals(name)) {
        return true;
      }
    }
    for (DescriptorProto nested : m.getNestedTypeList()) {
      if (declares(nested, name)) {
        return true;
      }
    }
    return false;
  }

  /** {@code pkg.name}, or {@code name} in the unnamed package. */
  static String qualified(String javaPackage, String name) {
    return javaPackage.isEmpty() ? name : javaPackage + "." + name;
  }
}
