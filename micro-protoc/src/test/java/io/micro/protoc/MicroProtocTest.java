package io.micro.protoc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileOptions;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.compiler.PluginProtos.CodeGeneratorRequest;
import com.google.protobuf.compiler.PluginProtos.CodeGeneratorResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/** The plugin on hand-built requests: names, options and the errors protoc shows the user. */
class MicroProtocTest {

  private static FileDescriptorProto.Builder file(String name, String pkg, String... rpcs) {
    ServiceDescriptorProto.Builder service = ServiceDescriptorProto.newBuilder().setName("Say");
    String prefix = pkg.isEmpty() ? "." : "." + pkg + ".";
    for (String rpc : rpcs) {
      service.addMethod(MethodDescriptorProto.newBuilder().setName(rpc)
          .setInputType(prefix + "Request").setOutputType(prefix + "Response"));
    }
    return FileDescriptorProto.newBuilder().setName(name).setPackage(pkg)
        .addMessageType(DescriptorProto.newBuilder().setName("Request"))
        .addMessageType(DescriptorProto.newBuilder().setName("Response"))
        .addService(service);
  }

  private static CodeGeneratorResponse generate(FileDescriptorProto.Builder file, String parameter) {
    return MicroProtoc.generate(CodeGeneratorRequest.newBuilder()
        .addProtoFile(file).addFileToGenerate(file.getName()).setParameter(parameter).build());
  }

  private static String content(CodeGeneratorResponse response, String name) {
    return response.getFileList().stream().filter(f -> f.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError(name + " not in " + response.getFileList()))
        .getContent();
  }

  @Test
  void generatesClientAndHandlerInTheProtoPackageWhenNoJavaPackageIsSet() {
    CodeGeneratorResponse response = generate(file("greeter.proto", "go.micro.srv.greeter", "Hello"), "");
    assertThat(response.hasError()).as(response.getError()).isFalse();
    assertThat(response.getFileList()).extracting(CodeGeneratorResponse.File::getName)
        .containsExactly("go/micro/srv/greeter/SayClient.java", "go/micro/srv/greeter/SayHandler.java");
    String client = content(response, "go/micro/srv/greeter/SayClient.java");
    assertThat(client)
        .contains("package go.micro.srv.greeter;")
        .contains("public static final java.lang.String SERVICE = \"go.micro.srv.greeter\";")
        .contains("client.call(request(\"Say.Hello\", request), "
            + "go.micro.srv.greeter.Greeter.Response.class, options)");
    assertThat(content(response, "go/micro/srv/greeter/SayHandler.java"))
        .contains("server.handle(\"Say\", new Endpoints(handler))")
        .contains("public go.micro.srv.greeter.Greeter.Response Hello(");
  }

  @Test
  void serviceNameDefaultsToTheLowerCaseServiceNameWithoutAPackageAndCanBeSet() {
    FileDescriptorProto.Builder noPackage = file("greeter.proto", "", "Hello");
    assertThat(content(generate(noPackage, ""), "SayClient.java"))
        .doesNotContain("package ")
        .contains("SERVICE = \"say\";");
    assertThat(content(generate(noPackage, "default_service=acme.greeter"), "SayClient.java"))
        .contains("SERVICE = \"acme.greeter\";");
  }

  @Test
  void snakeCaseAndKeywordMethodsKeepGoMicroEndpointNames() {
    CodeGeneratorResponse response = generate(file("x.proto", "x", "get_user", "import", "ToString"), "");
    assertThat(response.hasError()).as(response.getError()).isFalse();
    String client = content(response, "x/SayClient.java");
    assertThat(client)
        .contains("public x.X.Response getUser(x.X.Request request)")
        .contains("request(\"Say.GetUser\", request)")
        .contains("public x.X.Response import_(x.X.Request request)")
        .contains("request(\"Say.Import\", request)")
        .contains("public x.X.Response toString_(x.X.Request request)");
    assertThat(content(response, "x/SayHandler.java"))
        .contains("public x.X.Response GetUser(x.X.Request request)")
        .contains("return handler.import_(request);");
  }

  @Test
  void methodsThatCollideAfterCamelCaseAreAnError() {
    CodeGeneratorResponse response = generate(file("x.proto", "x", "get_user", "GetUser"), "");
    assertThat(response.getFileList()).isEmpty();
    assertThat(response.getError())
        .contains("x.proto")
        .contains("'get_user' and 'GetUser'")
        .contains("'Say.GetUser'");
  }

  @Test
  void unknownOptionIsAnErrorNamingIt() {
    CodeGeneratorResponse response = generate(file("x.proto", "x", "Hello"), "use_grpc=true");
    assertThat(response.getFileList()).isEmpty();
    assertThat(response.getError())
        .contains("unknown option 'use_grpc=true'")
        .contains("expected: default_service=<registry name>");
    assertThat(generate(file("x.proto", "x", "Hello"), "default_service=").getError())
        .contains("option default_service: ''");
  }

  @Test
  void generatedClassThatProtocAlreadyDeclaresIsAnError() {
    FileDescriptorProto.Builder clash = file("x.proto", "x", "Hello")
        .setOptions(FileOptions.newBuilder().setJavaMultipleFiles(true))
        .addMessageType(DescriptorProto.newBuilder().setName("SayClient"));
    assertThat(generate(clash, "").getError())
        .contains("would generate the class SayClient")
        .contains("no message, enum or outer class named SayClient");
  }

  @Test
  void unknownMessageTypeIsAnError() {
    FileDescriptorProto.Builder f = file("x.proto", "x", "Hello");
    f.getServiceBuilder(0).getMethodBuilder(0).setInputType(".other.Missing");
    assertThat(generate(f, "").getError()).contains("message type '.other.Missing' not found");
  }

  @Test
  void javaNamesFollowProtocJavaRules() {
    FileDescriptorProto.Builder f = FileDescriptorProto.newBuilder().setName("dir/hello_world-v2.proto")
        .setPackage("p")
        .addMessageType(DescriptorProto.newBuilder().setName("Outer")
            .addNestedType(DescriptorProto.newBuilder().setName("Inner")));
    assertThat(JavaTypes.outerClassName(f.build())).isEqualTo("HelloWorldV2");
    assertThat(JavaTypes.of(java.util.List.of(f.build())).javaName(".p.Outer.Inner"))
        .isEqualTo("p.HelloWorldV2.Outer.Inner");
    // a nested message with the file's class name moves the outer class aside
    f.getMessageTypeBuilder(0).getNestedTypeBuilder(0).setName("HelloWorldV2");
    assertThat(JavaTypes.outerClassName(f.build())).isEqualTo("HelloWorldV2OuterClass");
    f.setOptions(FileOptions.newBuilder().setJavaMultipleFiles(true).setJavaPackage("com.acme"));
    assertThat(JavaTypes.of(java.util.List.of(f.build())).javaName(".p.Outer"))
        .isEqualTo("com.acme.Outer");
  }

  @Test
  void goCamelCaseMatchesProtocGenGo() {
    assertThat(Names.goCamelCase("Hello")).isEqualTo("Hello");
    assertThat(Names.goCamelCase("get_user")).isEqualTo("GetUser");
    assertThat(Names.goCamelCase("user_directory")).isEqualTo("UserDirectory");
    assertThat(Names.goCamelCase("_private")).isEqualTo("XPrivate");
    assertThat(Names.goCamelCase("v2_api")).isEqualTo("V2Api");
    assertThat(Names.goCamelCase("HTTPGet")).isEqualTo("HTTPGet");
    assertThat(Names.goCamelCase("a_B")).isEqualTo("A_B");
  }

  @Test
  void readsTheRequestFromInputAndWritesTheResponseToOutput() throws Exception {
    CodeGeneratorRequest request = CodeGeneratorRequest.newBuilder()
        .addProtoFile(file("g.proto", "g", "Hello")).addFileToGenerate("g.proto").build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    MicroProtoc.run(new ByteArrayInputStream(request.toByteArray()), out);
    CodeGeneratorResponse response = CodeGeneratorResponse.parseFrom(out.toByteArray());
    assertThat(response.getFileCount()).isEqualTo(2);
    assertThat(response.getSupportedFeatures())
        .isEqualTo(CodeGeneratorResponse.Feature.FEATURE_PROTO3_OPTIONAL_VALUE);
  }
}
