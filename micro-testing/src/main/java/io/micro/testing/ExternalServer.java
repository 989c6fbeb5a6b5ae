package io.micro.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;

/**
 * A backend server installed on this machine (etcd, nats-server, redis-server, mosquitto, …), started
 * for a test on 127.0.0.1 with a free port and a private data directory, and stopped by
 * {@link #close()}.
 *
 * <p>When the binary is not installed, {@link Builder#start()} skips the calling test with a JUnit
 * assumption that names the binary and the Debian package to install — unless the environment has
 * {@code MICRO_IT_REQUIRE=1} (as {@code .ci/run} sets), in which case it fails instead, so that a
 * missing install step cannot pass unnoticed.
 *
 * <pre>{@code
 * ExternalServer etcd = ExternalServer.builder("etcd", "etcd-server")
 *     .command(s -> List.of(s.binary(), "--data-dir", s.dataDir().toString(),
 *         "--listen-client-urls", "http://" + s.address(), "--advertise-client-urls", "http://" + s.address(),
 *         "--listen-peer-urls", "http://127.0.0.1:" + s.freePort()))
 *     .start();
 * }</pre>
 */
public final class ExternalServer implements AutoCloseable {
  private final String name;
  private final String binary;
  private final int port;
  private final Path dataDir;
  private final Path log;
  private final List<String> command;
  private final Map<String, String> environment;
  private final Duration startTimeout;
  private @Nullable Process process;

  private ExternalServer(Builder b, String binary, int port, Path dataDir) {
    this.name = b.name;
    this.binary = binary;
    this.port = port;
    this.dataDir = dataDir;
    this.log = dataDir.resolve(Path.of(b.name).getFileName() + ".log");
    this.environment = Map.copyOf(b.environment);
    this.startTimeout = b.startTimeout;
    this.process = null;
    this.command = List.copyOf(b.command.apply(this));
  }

  /**
   * A server started from {@code binary} (an absolute path, or a name looked up on {@code PATH} and
   * in {@code /usr/sbin}, {@code /usr/bin}, {@code /sbin}, {@code /usr/local/bin},
   * {@code /usr/local/sbin}), which Debian ships in {@code debianPackage}.
   */
  public static Builder builder(String binary, String debianPackage) {
    return new Builder(binary, debianPackage);
  }

  /** True when {@code MICRO_IT_REQUIRE=1}: a missing backend fails tests instead of skipping them. */
  public static boolean required() {
    return "1".equals(System.getenv("MICRO_IT_REQUIRE"));
  }

  /** The absolute path of the binary. */
  public String binary() {
    return binary;
  }

  /** The port the server listens on, on 127.0.0.1. */
  public int port() {
    return port;
  }

  /** {@code 127.0.0.1:port}. */
  public String address() {
    return "127.0.0.1:" + port;
  }

  /** A directory private to this server, deleted on {@link #close()}. */
  public Path dataDir() {
    return dataDir;
  }

  /** Another free port on 127.0.0.1, for servers that open more than one (peer, cluster, admin). */
  public int freePort() {
    return ExternalServer.findFreePort();
  }

  /** Stops the server (if it runs) and starts it again on the same port and data directory. */
  public void restart() {
    stop();
    launch();
  }

  /** Stops the server process and its children, waiting for them to exit; the data directory stays. */
  public void stop() {
    Process p = process;
    if (p == null) {
      return;
    }
    // start scripts (rabbitmq-server, say) fork the real server: stop the whole tree
    List<ProcessHandle> children = p.descendants().toList();
    children.forEach(ProcessHandle::destroy);
    p.destroy();
    try {
      if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (ProcessHandle child : children) {
      try {
        child.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception stillAlive) {
        child.destroyForcibly();
      }
    }
    process = null;
  }

  /** Stops the server and deletes its data directory. */
  @Override
  public void close() {
    stop();
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    } catch (IOException ignored) {
      // best effort: a leftover temp directory is harmless
    }
  }

  private void launch() {
    ProcessBuilder pb = new ProcessBuilder(command)
        .directory(dataDir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().putAll(environment);
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
    long end = System.nanoTime() + startTimeout.toNanos();
    while (System.nanoTime() < end) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with status " + process.exitValue()
            + " before listening on " + address() + "; its log:\n" + tail());
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        sleep(50);
      }
    }
    stop();
    throw new IllegalStateException(name + " did not listen on " + address() + " within "
        + startTimeout.toMillis() + " ms; its log:\n" + tail());
  }

  private String tail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** A free TCP port on 127.0.0.1 (free when asked; bind it soon). */
  public static int findFreePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on 127.0.0.1", e);
    }
  }

  /** Finds {@code binary} on PATH or in the usual system directories. */
  static @Nullable String locate(String binary) {
    if (binary.contains("/")) {
      return Files.isExecutable(Path.of(binary)) ? binary : null;
    }
    List<String> dirs = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      dirs.addAll(List.of(path.split(File.pathSeparator)));
    }
    dirs.addAll(List.of("/usr/sbin", "/usr/bin", "/sbin", "/usr/local/bin", "/usr/local/sbin"));
    for (String dir : dirs) {
      Path p = Path.of(dir, binary);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    return null;
  }

  /** Settings of an {@link ExternalServer}; {@link #start()} launches it. */
  public static final class Builder {
    private final String name;
    private final String debianPackage;
    private Function<ExternalServer, List<String>> command;
    private final Map<String, String> environment = new java.util.HashMap<>();
    private Duration startTimeout = Duration.ofSeconds(30);
    private int port;

    private Builder(String binary, String debianPackage) {
      this.name = Objects.requireNonNull(binary, "binary");
      this.debianPackage = Objects.requireNonNull(debianPackage, "debianPackage");
      this.command = s -> List.of(s.binary());
    }

    /** The command line, built from the server (its binary, port, data directory). */
    public Builder command(Function<ExternalServer, List<String>> command) {
      this.command = Objects.requireNonNull(command, "command");
      return this;
    }

    /** An environment variable for the server process. */
    public Builder env(String key, String value) {
      environment.put(key, value);
      return this;
    }

    /** How long the server may take to accept connections on its port; default 30 s. */
    public Builder startTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("startTimeout: " + timeout + " (expected: > 0)");
      }
      this.startTimeout = timeout;
      return this;
    }

    /** A fixed port instead of a free one (only for servers that cannot be told a port). */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /**
     * Starts the server and waits until it accepts TCP connections on its port. Skips the calling
     * test when the binary is missing, or fails it when {@link #required()}.
     */
    public ExternalServer start() {
      String path = locate(name);
      if (path == null) {
        String why = name + " is not installed (Debian package " + debianPackage
            + "; .ci/run installs it)";
        if (required()) {
          throw new AssertionError(why + " and MICRO_IT_REQUIRE=1 requires it");
        }
        Assumptions.abort(why);
      }
      try {
        Path dir = Files.createTempDirectory("micro-" + name + "-");
        ExternalServer server = new ExternalServer(this, path, port > 0 ? port : findFreePort(), dir);
        server.launch();
        return server;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create a data directory for " + name, e);
      }
    }
  }
}
