package io.micro.protoc;

import java.util.Set;

/** Identifier rules shared by the generator: Go's CamelCase, protoc-java's class names, Java keywords. */
final class Names {

  private static final Set<String> JAVA_KEYWORDS = Set.of(
      "abstract", "assert", "boolean", "break", "byte", "case", "catch", "char", "class", "const",
      "continue", "default", "do", "double", "else", "enum", "extends", "final", "finally", "float",
      "for", "goto", "if", "implements", "import", "instanceof", "int", "interface", "long",
      "native", "new", "package", "private", "protected", "public", "return", "short", "static",
      "strictfp", "super", "switch", "synchronized", "this", "throw", "throws", "transient", "try",
      "void", "volatile", "while", "true", "false", "null", "var", "yield", "record", "sealed",
      "permits", "_");

  /** Method names a generated method must not take (those of Object, and the client's own). */
  private static final Set<String> RESERVED_METHODS = Set.of(
      "getClass", "hashCode", "equals", "clone", "toString", "notify", "notifyAll", "wait",
      "finalize", "service", "withOptions", "options", "create", "register");

  private Names() {}

  /**
   * The Go identifier protoc-gen-go (and so protoc-gen-micro) makes of a proto name: a leading
   * {@code _} becomes {@code X}, an {@code _} before a lower-case letter is dropped, and every
   * lower-case letter that starts a word is upper-cased ({@code get_user} becomes {@code GetUser},
   * {@code Hello} stays {@code Hello}).
   */
  static String goCamelCase(String s) {
    StringBuilder t = new StringBuilder(s.length() + 1);
    int i = 0;
    if (!s.isEmpty() && s.charAt(0) == '_') {
      t.append('X');
      i++;
    }
    for (; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '_' && i + 1 < s.length() && isLower(s.charAt(i + 1))) {
        continue;
      }
      if (isDigit(c)) {
        t.append(c);
        continue;
      }
      t.append(isLower(c) ? (char) (c - 'a' + 'A') : c);
      while (i + 1 < s.length() && isLower(s.charAt(i + 1))) {
        i++;
        t.append(s.charAt(i));
      }
    }
    return t.toString();
  }

  /**
   * protoc-java's {@code UnderscoresToCamelCase(name, true)}: letters after a non-alphanumeric
   * character or a digit are upper-cased, non-alphanumerics are dropped ({@code hello_world-v2}
   * becomes {@code HelloWorldV2}).
   */
  static String protocCamelCase(String s) {
    StringBuilder t = new StringBuilder(s.length());
    boolean capNext = true;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (isLower(c)) {
        t.append(capNext ? (char) (c - 'a' + 'A') : c);
        capNext = false;
      } else if (c >= 'A' && c <= 'Z') {
        t.append(c);
        capNext = false;
      } else if (isDigit(c)) {
        t.append(c);
        capNext = true;
      } else {
        capNext = true;
      }
    }
    return t.toString();
  }

  /**
   * The Java method name of a proto method: its Go name with the first letter lower-cased, with
   * {@code _} appended when that is a Java keyword or a reserved method name ({@code toString}).
   */
  static String javaMethod(String goName) {
    String name = Character.toLowerCase(goName.charAt(0)) + goName.substring(1);
    return JAVA_KEYWORDS.contains(name) || RESERVED_METHODS.contains(name) ? name + "_" : name;
  }

  /** True when {@code s} is a Java keyword or literal. */
  static boolean isKeyword(String s) {
    return JAVA_KEYWORDS.contains(s);
  }

  private static boolean isLower(char c) {
    return c >= 'a' && c <= 'z';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
