package io.micro.protoc;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.compiler.PluginProtos.CodeGeneratorRequest;
import com.google.protobuf.compiler.PluginProtos.CodeGeneratorResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The protoc plugin: for every service of the files protoc asks for, generates {@code
 * <Service>Client} and {@code <Service>Handler} in the file's Java package.
 *
 * <p>Run by protoc as {@code protoc-gen-micro}: it reads a {@code CodeGeneratorRequest} from
 * standard input and writes a {@code CodeGeneratorResponse} to standard output. Input it cannot
 * generate for (an unknown option, two methods with one name) is reported in the response's {@code
 * error} field, which protoc prints and fails on.
 *
 * <p>The parameter ({@code --micro_opt} or the Maven plugin's {@code <options>}) is a
 * comma-separated list of {@code key=value}; the only key is {@code default_service}, the registry
 * name the clients call when none is given (default: the proto package, as protoc-gen-micro).
 */
public final class MicroProtoc {

  private MicroProtoc() {}

  /**
   * Reads the request from standard input, writes the response to standard output. Exits with
   * status 1 only when the request cannot be read or the response cannot be written.
   */
  public static void main(String[] args) {
    try {
      run(System.in, System.out);
    } catch (IOException e) {
      System.err.println("micro-protoc: " + e.getMessage());
      System.exit(1);
    }
  }

  /** Reads one request from {@code in} and writes its response to {@code out}. */
  static void run(InputStream in, OutputStream out) throws IOException {
    CodeGeneratorRequest request = CodeGeneratorRequest.parseFrom(in);
    generate(request).writeTo(out);
    out.flush();
  }

  /**
   * The response to {@code request}: the generated files, or only an error naming what is wrong
   * with the input.
   */
  public static CodeGeneratorResponse generate(CodeGeneratorRequest request) {
    CodeGeneratorResponse.Builder response = CodeGeneratorResponse.newBuilder()
        .setSupportedFeatures(CodeGeneratorResponse.Feature.FEATURE_PROTO3_OPTIONAL_VALUE);
    try {
      Map<String, String> options = options(request.getParameter());
      Map<String, FileDescriptorProto> byName = new HashMap<>();
      for (FileDescriptorProto f : request.getProtoFileList()) {
        byName.put(f.getName(), f);
      }
      JavaTypes types = JavaTypes.of(request.getProtoFileList());
      for (String name : request.getFileToGenerateList()) {
        FileDescriptorProto file = byName.get(name);
        if (file == null) {
          throw new GenerationException("file to generate '" + name
              + "' is missing from the request (expected: protoc to send it)");
        }
        generate(file, types, options.getOrDefault("default_service", ""), response);
      }
    } catch (GenerationException e) {
      return CodeGeneratorResponse.newBuilder()
          .setSupportedFeatures(response.getSupportedFeatures())
          .setError(e.getMessage())
          .build();
    }
    return response.build();
  }

  private static void generate(FileDescriptorProto file, JavaTypes types, String defaultService,
      CodeGeneratorResponse.Builder response) {
    for (int i = 0; i < file.getServiceCount(); i++) {
      ServiceModel service;
      try {
        service = ServiceModel.of(file, i, types, defaultService);
      } catch (GenerationException e) {
        throw new GenerationException(file.getName() + ": " + e.getMessage());
      }
      String dir = service.javaPackage().isEmpty() ? "" : service.javaPackage().replace('.', '/') + "/";
      for (String cls : new String[] {service.clientClass(), service.handlerInterface()}) {
        if (JavaTypes.hasTopLevelClass(file, cls)) {
          throw new GenerationException(file.getName() + ": service " + file.getService(i).getName()
              + " would generate the class " + cls + ", which protoc's Java output of this file"
              + " already declares (expected: no message, enum or outer class named " + cls + ")");
        }
      }
      try {
        response.addFile(CodeGeneratorResponse.File.newBuilder()
            .setName(dir + service.clientClass() + ".java")
            .setContent(ServiceWriter.client(service)));
        response.addFile(CodeGeneratorResponse.File.newBuilder()
            .setName(dir + service.handlerInterface() + ".java")
            .setContent(ServiceWriter.handler(service)));
      } catch (GenerationException e) {
        throw new GenerationException(file.getName() + ": " + e.getMessage());
      }
    }
  }

  /** Parses {@code key=value,key=value}; fails on an unknown key or a malformed entry. */
  static Map<String, String> options(String parameter) {
    Map<String, String> out = new LinkedHashMap<>();
    if (parameter.isBlank()) {
      return out;
    }
    for (String entry : parameter.split(",", -1)) {
      int eq = entry.indexOf('=');
      String key = (eq < 0 ? entry : entry.substring(0, eq)).strip();
      String value = eq < 0 ? "" : entry.substring(eq + 1).strip();
      if (!key.equals("default_service")) {
        throw new GenerationException("unknown option '" + entry.strip() + "' in parameter '"
            + parameter + "' (expected: default_service=<registry name>)");
      }
      if (value.isEmpty() || value.chars().anyMatch(c -> c == '"' || c == '\\' || c < 0x20)) {
        throw new GenerationException("option default_service: '" + value
            + "' (expected: a registry name such as go.micro.srv.greeter)");
      }
      out.put(key, value);
    }
    return out;
  }
}
