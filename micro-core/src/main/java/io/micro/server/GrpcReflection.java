package io.micro.server;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.Message;
import io.micro.grpc.GrpcStatus;
import io.micro.grpc.reflection.v1.ErrorResponse;
import io.micro.grpc.reflection.v1.ExtensionNumberResponse;
import io.micro.grpc.reflection.v1.FileDescriptorResponse;
import io.micro.grpc.reflection.v1.ListServiceResponse;
import io.micro.grpc.reflection.v1.ServerReflectionRequest;
import io.micro.grpc.reflection.v1.ServerReflectionResponse;
import io.micro.grpc.reflection.v1.ServiceResponse;
import io.micro.stream.BidiStream;
import java.lang.reflect.Type;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in {@code ServerReflection} handler: gRPC's server reflection protocol
 * ({@code grpc.reflection.v1} and {@code v1alpha}, whose messages are the same on the wire; the
 * server routes both {@code /grpc.reflection.*.ServerReflection/ServerReflectionInfo} here), so
 * standard tooling can list a micro server's services and fetch their descriptors.
 *
 * <p>A served handler is listed when all its request and response types are protobuf messages, as
 * {@code package.Handler} with the package of its first request type's file (the server routes
 * {@code /package.Handler/Method} to {@code Handler.Method}). Its service is the one that file
 * declares under the handler's name, else a synthetic file ({@code micro/synthetic/<package
 * path>/<Handler>.proto}) declaring it, with one method per endpoint (streaming flags from the
 * handler's shape) and importing the messages' files. Answers: the file (then its dependencies) by
 * name or by a symbol it declares (service, method, message, enum), an empty extension list for a
 * known message type, NOT_FOUND for anything unknown.
 */
final class GrpcReflection {
  private static final Logger log = LoggerFactory.getLogger(GrpcReflection.class);
  private static final String SYNTHETIC = "micro/synthetic/";

  private final Supplier<Map<String, HandlerMethod>> handlers;

  GrpcReflection(Supplier<Map<String, HandlerMethod>> handlers) {
    this.handlers = handlers;
  }

  /** {@code ServerReflection.ServerReflectionInfo}: one response per request, in order. */
  public void serverReflectionInfo(BidiStream<ServerReflectionRequest, ServerReflectionResponse> stream)
      throws InterruptedException {
    for (ServerReflectionRequest r = stream.receive(); r != null; r = stream.receive()) {
      stream.send(answer(r));
    }
  }

  ServerReflectionResponse answer(ServerReflectionRequest request) {
    Index index = new Index(handlers.get());
    ServerReflectionResponse.Builder b = ServerReflectionResponse.newBuilder()
        .setValidHost(request.getHost()).setOriginalRequest(request);
    switch (request.getMessageRequestCase()) {
      case LIST_SERVICES -> {
        ListServiceResponse.Builder list = ListServiceResponse.newBuilder();
        index.services.forEach(s -> list.addService(ServiceResponse.newBuilder().setName(s)));
        b.setListServicesResponse(list);
      }
      case FILE_BY_FILENAME -> {
        FileDescriptor f = index.files.get(request.getFileByFilename());
        if (f == null) {
          return error(b, GrpcStatus.NOT_FOUND, "file not found: " + request.getFileByFilename());
        }
        b.setFileDescriptorResponse(files(f));
      }
      case FILE_CONTAINING_SYMBOL -> {
        FileDescriptor f = index.symbols.get(request.getFileContainingSymbol());
        if (f == null) {
          return error(b, GrpcStatus.NOT_FOUND, "symbol not found: " + request.getFileContainingSymbol());
        }
        b.setFileDescriptorResponse(files(f));
      }
      case FILE_CONTAINING_EXTENSION -> {
        return error(b, GrpcStatus.NOT_FOUND, "extension not found: "
            + request.getFileContainingExtension().getContainingType() + " "
            + request.getFileContainingExtension().getExtensionNumber());
      }
      case ALL_EXTENSION_NUMBERS_OF_TYPE -> {
        String type = request.getAllExtensionNumbersOfType();
        if (!index.messages.contains(type)) {
          return error(b, GrpcStatus.NOT_FOUND, "type not found: " + type);
        }
        b.setAllExtensionNumbersResponse(ExtensionNumberResponse.newBuilder().setBaseTypeName(type));
      }
      default -> {
        return error(b, GrpcStatus.INVALID_ARGUMENT, "request: " + request.getMessageRequestCase()
            + " (expected: list_services, file_by_filename, file_containing_symbol, ...)");
      }
    }
    return b.build();
  }

  private static ServerReflectionResponse error(ServerReflectionResponse.Builder b, int code, String text) {
    return b.setErrorResponse(ErrorResponse.newBuilder().setErrorCode(code).setErrorMessage(text)).build();
  }

  /** {@code file}, then its dependencies, each once. */
  private static FileDescriptorResponse files(FileDescriptor file) {
    FileDescriptorResponse.Builder b = FileDescriptorResponse.newBuilder();
    Set<String> seen = new LinkedHashSet<>();
    Deque<FileDescriptor> todo = new ArrayDeque<>(List.of(file));
    while (!todo.isEmpty()) {
      FileDescriptor f = todo.removeFirst();
      if (seen.add(f.getName())) {
        b.addFileDescriptorProto(f.toProto().toByteString());
        todo.addAll(f.getDependencies());
      }
    }
    return b.build();
  }

  /** The descriptors of a protobuf message class, or null for any other type. */
  static @Nullable Descriptor descriptor(Type type) {
    if (!(type instanceof Class<?> c) || !Message.class.isAssignableFrom(c)) {
      return null;
    }
    try {
      return (Descriptor) c.getMethod("getDescriptor").invoke(null);
    } catch (ReflectiveOperationException | ClassCastException e) {
      return null;
    }
  }

  /** What the served handlers declare, built per request (handlers may be added at any time). */
  private static final class Index {
    final Set<String> services = new TreeSet<>();
    final Map<String, FileDescriptor> files = new HashMap<>();
    final Map<String, FileDescriptor> symbols = new HashMap<>();
    final Set<String> messages = new java.util.HashSet<>();

    Index(Map<String, HandlerMethod> handlers) {
      Map<String, List<HandlerMethod>> byHandler = new TreeMap<>();
      for (HandlerMethod m : handlers.values()) {
        String endpoint = m.endpoint();
        byHandler.computeIfAbsent(endpoint.substring(0, endpoint.indexOf('.')), k -> new ArrayList<>()).add(m);
      }
      byHandler.forEach(this::addHandler);
    }

    private void addHandler(String handler, List<HandlerMethod> methods) {
      methods.sort(java.util.Comparator.comparing(HandlerMethod::endpoint));
      Map<String, FileDescriptor> deps = new LinkedHashMap<>();
      List<Descriptor[]> types = new ArrayList<>();
      for (HandlerMethod m : methods) {
        Descriptor in = descriptor(m.requestType());
        Descriptor out = descriptor(m.responseType());
        if (in == null || out == null) {
          return; // not a protobuf service: nothing to describe
        }
        types.add(new Descriptor[] {in, out});
        deps.putIfAbsent(in.getFile().getName(), in.getFile());
        deps.putIfAbsent(out.getFile().getName(), out.getFile());
      }
      String pkg = types.get(0)[0].getFile().getPackage();
      String full = pkg.isEmpty() ? handler : pkg + "." + handler;
      FileDescriptor file = declaring(deps.values(), full);
      if (file == null) {
        file = synthetic(handler, pkg, methods, types, deps);
        if (file == null) {
          return;
        }
      }
      services.add(full);
      add(file);
      if (file.getPackage().equals("grpc.reflection.v1") && handler.equals("ServerReflection")) {
        FileDescriptor alpha = io.micro.grpc.reflection.v1alpha.ServerReflectionProto.getDescriptor();
        services.add("grpc.reflection.v1alpha.ServerReflection");
        add(alpha);
      }
    }

    private static @Nullable FileDescriptor declaring(Iterable<FileDescriptor> files, String service) {
      for (FileDescriptor f : files) {
        for (ServiceDescriptor s : f.getServices()) {
          if (s.getFullName().equals(service)) {
            return f;
          }
        }
      }
      return null;
    }

    private static @Nullable FileDescriptor synthetic(String handler, String pkg, List<HandlerMethod> methods,
        List<Descriptor[]> types, Map<String, FileDescriptor> deps) {
      ServiceDescriptorProto.Builder service = ServiceDescriptorProto.newBuilder().setName(handler);
      for (int i = 0; i < methods.size(); i++) {
        HandlerMethod m = methods.get(i);
        HandlerKind kind = m.kind();
        service.addMethod(MethodDescriptorProto.newBuilder()
            .setName(m.endpoint().substring(m.endpoint().indexOf('.') + 1))
            .setInputType("." + types.get(i)[0].getFullName())
            .setOutputType("." + types.get(i)[1].getFullName())
            .setClientStreaming(kind == HandlerKind.CLIENT_STREAM || kind == HandlerKind.BIDI)
            .setServerStreaming(kind == HandlerKind.SERVER_STREAM || kind == HandlerKind.BIDI));
      }
      FileDescriptorProto.Builder proto = FileDescriptorProto.newBuilder()
          .setName(SYNTHETIC + (pkg.isEmpty() ? "" : pkg.replace('.', '/') + "/") + handler + ".proto")
          .setPackage(pkg)
          .setSyntax("proto3")
          .addService(service);
      deps.keySet().forEach(proto::addDependency);
      try {
        return FileDescriptor.buildFrom(proto.build(), deps.values().toArray(new FileDescriptor[0]));
      } catch (DescriptorValidationException e) {
        log.debug("reflection: no descriptor for handler {}: {}", handler, e.getMessage());
        return null;
      }
    }

    /** Adds {@code file} and its dependencies, and the symbols they declare. */
    private void add(FileDescriptor file) {
      if (files.putIfAbsent(file.getName(), file) != null) {
        return;
      }
      for (ServiceDescriptor s : file.getServices()) {
        symbols.putIfAbsent(s.getFullName(), file);
        for (MethodDescriptor m : s.getMethods()) {
          symbols.putIfAbsent(m.getFullName(), file);
        }
      }
      file.getMessageTypes().forEach(m -> addMessage(file, m));
      file.getEnumTypes().forEach(e -> addEnum(file, e));
      for (FieldDescriptor x : file.getExtensions()) {
        symbols.putIfAbsent(x.getFullName(), file);
      }
      file.getDependencies().forEach(this::add);
    }

    private void addMessage(FileDescriptor file, Descriptor m) {
      symbols.putIfAbsent(m.getFullName(), file);
      messages.add(m.getFullName());
      m.getNestedTypes().forEach(n -> addMessage(file, n));
      m.getEnumTypes().forEach(e -> addEnum(file, e));
    }

    private void addEnum(FileDescriptor file, EnumDescriptor e) {
      symbols.putIfAbsent(e.getFullName(), file);
    }
  }
}
