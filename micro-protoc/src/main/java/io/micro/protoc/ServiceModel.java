package io.micro.protoc;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One proto service as the generator sees it: names as go-micro gives them, Java names, and the
 * methods with their kinds.
 *
 * @param protoFile the {@code .proto} file name, e.g. {@code greeter/greeter.proto}
 * @param javaPackage the Java package of the generated classes (may be empty)
 * @param handlerName go-micro's handler name, the service name in CamelCase, e.g. {@code Say}
 * @param defaultService the registry name used when none is given: the proto package, else the
 *     service name in lower case, as protoc-gen-micro
 * @param comment the service's comment lines, Javadoc-escaped
 * @param deprecated the service has {@code option deprecated = true}
 * @param methods the methods in declaration order
 */
record ServiceModel(
    String protoFile,
    String javaPackage,
    String handlerName,
    String defaultService,
    List<String> comment,
    boolean deprecated,
    List<Method> methods) {

  /** The kind of an RPC, from its {@code stream} keywords. */
  enum Kind {
    UNARY, SERVER_STREAM, CLIENT_STREAM, BIDI;

    static Kind of(MethodDescriptorProto m) {
      if (m.getClientStreaming()) {
        return m.getServerStreaming() ? BIDI : CLIENT_STREAM;
      }
      return m.getServerStreaming() ? SERVER_STREAM : UNARY;
    }
  }

  /**
   * One RPC.
   *
   * @param goName the method name in Go's CamelCase, e.g. {@code Hello}
   * @param javaName the Java method name, e.g. {@code hello}
   * @param endpoint go-micro's endpoint, e.g. {@code Say.Hello}
   * @param input the fully qualified Java class of the request message
   * @param output the fully qualified Java class of the response message
   * @param kind unary or which side streams
   * @param comment the method's comment lines, Javadoc-escaped
   * @param deprecated the method has {@code option deprecated = true}
   */
  record Method(String goName, String javaName, String endpoint, String input, String output,
      Kind kind, List<String> comment, boolean deprecated) {}

  /** The client class's simple name, e.g. {@code SayClient}. */
  String clientClass() {
    return handlerName + "Client";
  }

  /** The handler interface's simple name, e.g. {@code SayHandler}. */
  String handlerInterface() {
    return handlerName + "Handler";
  }

  /**
   * Reads service {@code index} of {@code file}.
   *
   * @throws GenerationException naming the service and method when two methods would get the same
   *     Java or endpoint name, or a message type is unknown
   */
  static ServiceModel of(FileDescriptorProto file, int index, JavaTypes types,
      String defaultServiceOverride) {
    ServiceDescriptorProto service = file.getService(index);
    String handler = Names.goCamelCase(service.getName());
    String defaultService = !defaultServiceOverride.isEmpty() ? defaultServiceOverride
        : !file.getPackage().isEmpty() ? file.getPackage()
        : service.getName().toLowerCase(Locale.ROOT);
    Comments comments = new Comments(file);
    List<Method> methods = new ArrayList<>();
    Map<String, String> javaNames = new HashMap<>();
    Map<String, String> endpoints = new HashMap<>();
    for (int i = 0; i < service.getMethodCount(); i++) {
      MethodDescriptorProto m = service.getMethod(i);
      String goName = Names.goCamelCase(m.getName());
      String javaName = Names.javaMethod(goName);
      Method method = new Method(goName, javaName, handler + "." + goName,
          types.javaName(m.getInputType()), types.javaName(m.getOutputType()), Kind.of(m),
          comments.method(index, i), m.getOptions().getDeprecated());
      unique(endpoints, method.endpoint(), m.getName(), service.getName(), "endpoint");
      unique(javaNames, javaName, m.getName(), service.getName(), "Java method name");
      unique(javaNames, javaName + "Async", m.getName(), service.getName(), "Java method name");
      methods.add(method);
    }
    return new ServiceModel(file.getName(), JavaTypes.javaPackage(file), handler, defaultService,
        comments.service(index), service.getOptions().getDeprecated(), List.copyOf(methods));
  }

  private static void unique(Map<String, String> seen, String name, String method, String service,
      String what) {
    String previous = seen.putIfAbsent(name, method);
    if (previous != null) {
      throw new GenerationException("service " + service + ": methods '" + previous + "' and '"
          + method + "' both map to the " + what + " '" + name
          + "' (expected: method names that differ after CamelCase)");
    }
  }
}
