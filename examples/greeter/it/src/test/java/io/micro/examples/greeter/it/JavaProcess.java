package io.micro.examples.greeter.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code java -jar} child process on the JVM that runs the tests (so {@code -Djvm=...} covers
 * it too), with stdout and stderr captured in files under {@code greeter.logs}.
 */
final class JavaProcess implements AutoCloseable {

  private static final Duration EXIT_WAIT = Duration.ofSeconds(60);

  private final String name;
  private final Process process;
  private final Path stdout;
  private final Path stderr;

  private JavaProcess(String name, Process process, Path stdout, Path stderr) {
    this.name = name;
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /** Starts {@code java -jar <jar property> args...}; {@code name} names the log files. */
  static JavaProcess start(String name, String jarProperty, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(java(), "-jar", jar(jarProperty).toString()));
    command.addAll(List.of(args));
    return launch(name, command);
  }

  /**
   * Starts {@code prefix... java javaArgs...}, e.g. with the prefix {@code ip netns exec <ns>} to
   * run the JVM in a network namespace; {@code name} names the log files.
   */
  static JavaProcess startWith(String name, List<String> prefix, List<String> javaArgs) throws IOException {
    List<String> command = new ArrayList<>(prefix);
    command.add(java());
    command.addAll(javaArgs);
    return launch(name, command);
  }

  /** The built jar named by the system property {@code jarProperty}; fails when it is missing. */
  static Path jar(String jarProperty) {
    Path jar = Path.of(System.getProperty(jarProperty));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jarProperty + ": " + jar + " (expected: a built jar; run ./mvnw package)");
    }
    return jar;
  }

  private static String java() {
    return ProcessHandle.current().info().command().orElse(
        Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  private static JavaProcess launch(String name, List<String> command) throws IOException {
    Path logs = Path.of(System.getProperty("greeter.logs", "target/greeter-logs"));
    Files.createDirectories(logs);
    Path out = logs.resolve(name + ".out");
    Path err = logs.resolve(name + ".err");
    Process process = new ProcessBuilder(command)
        .redirectOutput(out.toFile())
        .redirectError(err.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .start();
    return new JavaProcess(name, process, out, err);
  }

  /** A port that was free on 127.0.0.1 a moment ago. */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress("127.0.0.1", 0));
      return socket.getLocalPort();
    }
  }

  /** Waits until 127.0.0.1:port accepts connections; fails if the process dies or 30 s pass. */
  JavaProcess awaitPort(int port) throws IOException, InterruptedException {
    Instant deadline = Instant.now().plusSeconds(30);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue() + " before listening on "
            + port + "\n" + output());
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return this;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException(name + " did not listen on 127.0.0.1:" + port + " within 30 s\n" + output());
  }

  /**
   * Waits until stdout or stderr contains {@code text}; fails if the process dies first or
   * {@code max} passes.
   */
  JavaProcess awaitOutput(String text, Duration max) throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(max);
    while (Instant.now().isBefore(deadline)) {
      if (stdout().contains(text) || stderr().contains(text)) {
        return this;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue() + " before printing '"
            + text + "'\n" + output());
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(name + " did not print '" + text + "' within " + max + "\n" + output());
  }

  /** Waits for the process to exit by itself and returns its exit status. */
  int awaitExit() throws InterruptedException {
    if (!process.waitFor(EXIT_WAIT.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(name + " still running after " + EXIT_WAIT + "\n" + output());
    }
    return process.exitValue();
  }

  String stdout() throws IOException {
    return Files.readString(stdout, StandardCharsets.UTF_8);
  }

  String stderr() throws IOException {
    return Files.readString(stderr, StandardCharsets.UTF_8);
  }

  /** Both streams, for failure messages. */
  String output() {
    try {
      return "--- " + name + " stdout\n" + stdout() + "--- " + name + " stderr\n" + stderr();
    } catch (IOException e) {
      return "(output of " + name + " unreadable: " + e + ")";
    }
  }

  /** Asks the process to stop (SIGTERM), then kills it if it is still there after 15 s. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }
}
