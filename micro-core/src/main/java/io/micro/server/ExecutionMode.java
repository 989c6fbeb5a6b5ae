package io.micro.server;

/**
 * Where a server runs its handlers. Selected with {@link Server.Builder#executionMode} or the flag
 * {@code --server_execution=auto|virtual|pool|direct}.
 */
public enum ExecutionMode {
  /**
   * {@link #VIRTUAL} on Java 21 and later, {@link #POOL} before. The default.
   */
  AUTO,
  /**
   * One virtual thread per call (Java 21+ only; {@link Server#start()} fails on older runtimes).
   * Handlers may block freely.
   */
  VIRTUAL,
  /**
   * A bounded pool of platform threads ({@code max(16, 8 * cores)}) with a bounded queue; when the
   * queue is full a call is answered at once with a 503 error instead of waiting.
   */
  POOL,
  /**
   * The handler runs on the transport's I/O thread: the fastest mode, for handlers that never block
   * (no I/O, no locks held for long, no nested synchronous calls). A blocking handler in this mode
   * stalls every connection served by that I/O thread.
   */
  DIRECT;

  /** Parses a flag value ({@code auto}, {@code virtual}, {@code pool}, {@code direct}), ignoring case. */
  public static ExecutionMode parse(String value) {
    for (ExecutionMode m : values()) {
      if (m.name().equalsIgnoreCase(value.strip())) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "server_execution: '" + value + "' (expected: auto, virtual, pool or direct)");
  }
}
