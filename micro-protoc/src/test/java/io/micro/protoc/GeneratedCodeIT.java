package io.micro.protoc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The plugin end to end: protoc (from Maven Central) runs it beside its own Java generator on the
 * protos of {@code src/test/proto}, javac compiles everything with the scenario of {@code
 * src/test/scenario}, and the scenario serves the generated handler interfaces on a real server on
 * 127.0.0.1 and calls them through the generated clients.
 */
class GeneratedCodeIT {
  private static Path work;
  private static Path generated;

  @BeforeAll
  static void runProtoc() throws Exception {
    work = Path.of(System.getProperty("micro.protoc.work", "target/protoc-work"));
    generated = work.resolve("generated");
    deleteTree(work);
    Files.createDirectories(generated);
    Path protoc = Path.of(System.getProperty("micro.protoc.exe", "target/protoc/protoc.exe"));
    protoc.toFile().setExecutable(true);
    Path plugin = work.resolve("protoc-gen-micro");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Files.writeString(plugin, "#!/bin/sh\nexec '" + java + "' -cp '"
        + System.getProperty("java.class.path") + "' " + MicroProtoc.class.getName() + "\n");
    Files.setPosixFilePermissions(plugin, PosixFilePermissions.fromString("rwxr-xr-x"));

    Path protos = Path.of(System.getProperty("micro.protoc.protos", "src/test/proto"));
    List<String> command = new ArrayList<>(List.of(protoc.toString(),
        "--plugin=protoc-gen-micro=" + plugin, "-I" + protos,
        "--java_out=" + generated, "--micro_out=" + generated));
    try (Stream<Path> files = Files.walk(protos)) {
      files.filter(p -> p.toString().endsWith(".proto"))
          .forEach(p -> command.add(protos.relativize(p).toString()));
    }
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("protoc finished").isTrue();
    assertThat(process.exitValue()).as("protoc exit status, output: %s", output).isZero();
  }

  @Test
  void generatesOneClientAndOneHandlerPerService() {
    assertThat(generated.resolve("io/micro/protoc/it/echo/EchoClient.java")).exists();
    assertThat(generated.resolve("io/micro/protoc/it/echo/EchoHandler.java")).exists();
    assertThat(generated.resolve("io/micro/protoc/it/echo/EchoOuterClass.java")).exists();
    assertThat(generated.resolve("micro/test/users/UserDirectoryClient.java")).exists();
    assertThat(generated.resolve("micro/test/users/UserDirectoryHandler.java")).exists();
  }

  @Test
  void protoCommentsBecomeEscapedJavadoc() throws IOException {
    String client = Files.readString(generated.resolve("io/micro/protoc/it/echo/EchoClient.java"));
    assertThat(client)
        .contains("<p>Echo answers what it is sent.")
        .contains("Second line: &lt;b&gt;html&lt;/b&gt; &amp; an &#64;tag and a &#42;/ comment end")
        .contains("Call answers with the text it got, prefixed with \"echo: \".");
    String handler = Files.readString(generated.resolve("io/micro/protoc/it/echo/EchoHandler.java"));
    assertThat(handler).contains("Fail answers with the error whose code is in the request.");
    String users = Files.readString(generated.resolve("micro/test/users/UserDirectoryClient.java"));
    assertThat(users).contains("Old: use Echo.Call.")
        .containsPattern("@java.lang.Deprecated\\s+public \\S+ ping\\(");
  }

  @Test
  void generatedClientCallsGeneratedHandlerOverLoopback() throws Exception {
    Path classes = work.resolve("classes");
    Files.createDirectories(classes);
    Path scenario = Path.of(System.getProperty("micro.protoc.scenario", "src/test/scenario"));
    List<File> sources = new ArrayList<>();
    for (Path root : List.of(generated, scenario)) {
      try (Stream<Path> files = Files.walk(root)) {
        files.filter(p -> p.toString().endsWith(".java")).forEach(p -> sources.add(p.toFile()));
      }
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
      boolean ok = javac.getTask(null, files, diagnostics,
          List.of("-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
              "-Xlint:all", "-Xlint:-processing", "-Werror", "--release", "17"),
          null, files.getJavaFileObjectsFromFiles(sources)).call();
      assertThat(ok).as("javac: %s", diagnostics.getDiagnostics()).isTrue();
    }

    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
        getClass().getClassLoader())) {
      @SuppressWarnings("unchecked")
      Callable<List<String>> run = (Callable<List<String>>) loader
          .loadClass("io.micro.protoc.it.Scenario").getDeclaredConstructor().newInstance();
      List<String> seen = run.call();
      assertThat(seen).containsExactly(
          "endpoint Echo.Call",
          "endpoint Echo.Chat",
          "endpoint Echo.Count",
          "endpoint Echo.Fail",
          "endpoint Echo.Sum",
          "endpoint UserDirectory.GetUser",
          "endpoint UserDirectory.Ping",
          "service micro.test.echo",
          "content-type ''",
          "call echo: hi user=ann",
          "async echo: later user=ann",
          "fail 409 failed: no",
          "proto echo: as proto user=-",
          "count [n 1, n 2, n 3]",
          "sum abc then null",
          "chat re: x",
          "chat re: y",
          "chat end null",
          "countAsync [m 1, m 2] completed",
          "chatAsync [re: p, re: q] completed",
          "users.service-default micro.test.users",
          "getUser user 7",
          "ping pong x");
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.delete(p);
      }
    }
  }
}
