package io.micro.examples.greeter.polyglot;

import io.micro.testing.ExternalServer;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A child process (an interpreter running one of the example scripts, or {@code java -jar}) with
 * stdout and stderr captured in files under {@code greeter.logs}.
 */
final class Proc implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path stdout;
  private final Path stderr;

  private Proc(String name, Process process, Path stdout, Path stderr) {
    this.name = name;
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /**
   * The absolute path of {@code binary} from {@code PATH}; skips the test when it is missing, or
   * fails it under {@code MICRO_IT_REQUIRE=1}, naming the Debian package.
   */
  static String interpreter(String binary, String debianPackage) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
      Path p = Path.of(dir, binary);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    String why = binary + " is not installed (Debian package " + debianPackage + "; .ci/run installs it)";
    if (ExternalServer.required()) {
      throw new AssertionError(why + " and MICRO_IT_REQUIRE=1 requires it");
    }
    Assumptions.abort(why);
    throw new IllegalStateException("unreachable");
  }

  /** A script of the example, e.g. {@code python/rpc_client.py}. */
  static String script(String relative) {
    Path p = Path.of(System.getProperty("greeter.scripts", "..")).resolve(relative);
    if (!Files.isRegularFile(p)) {
      throw new IllegalStateException("no script " + p);
    }
    return p.toString();
  }

  /** The JVM running the tests (so {@code -Djvm=...} covers child JVMs too). */
  static String java() {
    return ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  /** The built jar named by the system property {@code jarProperty}. */
  static String jar(String jarProperty) {
    Path jar = Path.of(System.getProperty(jarProperty, "missing"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jarProperty + ": " + jar + " (expected: a built jar; run ./mvnw package)");
    }
    return jar.toString();
  }

  /** {@code bin/micro}, run without building (the reactor built micro-toolkit's jar and lib). */
  static String launcher() {
    Path p = Path.of(System.getProperty("micro.launcher", "../../../bin/micro"));
    if (!Files.isExecutable(p) || !Files.isDirectory(p.getParent().resolveSibling("micro-toolkit/target/lib"))) {
      throw new IllegalStateException("no runnable " + p + " (expected bin/micro and micro-toolkit/target/lib;"
          + " run ./mvnw package)");
    }
    return p.toString();
  }

  /** Runs {@code command} with extra environment variables to its end (at most 60 s). */
  static Proc runWithEnv(String name, java.util.Map<String, String> env, String... command)
      throws IOException, InterruptedException {
    Proc p = start(name, env, command);
    p.awaitExit();
    return p;
  }

  /** Starts {@code command}; {@code name} names the log files. */
  static Proc start(String name, String... command) throws IOException {
    return start(name, java.util.Map.of(), command);
  }

  private static Proc start(String name, java.util.Map<String, String> env, String... command)
      throws IOException {
    Path logs = Path.of(System.getProperty("greeter.logs", "target/polyglot-logs"));
    Files.createDirectories(logs);
    Path out = logs.resolve(name + ".out");
    Path err = logs.resolve(name + ".err");
    ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(List.of(command)));
    pb.environment().putAll(env);
    Process process = pb
        .redirectOutput(out.toFile())
        .redirectError(err.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .start();
    return new Proc(name, process, out, err);
  }

  /** Runs {@code command} to its end (at most 60 s) and returns it. */
  static Proc run(String name, String... command) throws IOException, InterruptedException {
    Proc p = start(name, command);
    p.awaitExit();
    return p;
  }

  /** Waits until 127.0.0.1:{@code port} accepts connections; fails if the process dies or 30 s pass. */
  Proc awaitPort(int port) throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue()
            + " before listening on " + port + "\n" + output());
      }
      try (java.net.Socket s = new java.net.Socket()) {
        s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 200);
        return this;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException(name + " did not listen on " + port + " within 30 s\n" + output());
  }

  /** Waits until stdout or stderr contains {@code text}; fails if the process dies first or 30 s pass. */
  Proc awaitOutput(String text) throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (Instant.now().isBefore(deadline)) {
      if (stdout().contains(text) || stderr().contains(text)) {
        return this;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue()
            + " before printing '" + text + "'\n" + output());
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException(name + " did not print '" + text + "' within 30 s\n" + output());
  }

  /** Waits for the process to end by itself (at most 60 s) and returns its exit status. */
  int awaitExit() throws InterruptedException {
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(name + " still running after 60 s\n" + output());
    }
    return process.exitValue();
  }

  /** Asks the process to stop (SIGTERM) and waits for it, at most 10 s, then kills it. */
  int terminate() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
    return process.exitValue();
  }

  String stdout() throws IOException {
    return Files.readString(stdout, StandardCharsets.UTF_8);
  }

  String stderr() throws IOException {
    return Files.readString(stderr, StandardCharsets.UTF_8);
  }

  /** Both outputs, for assertion messages. */
  String output() {
    try {
      return "--- " + name + " stdout:\n" + stdout() + "--- " + name + " stderr:\n" + stderr();
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      terminate();
    }
  }
}
