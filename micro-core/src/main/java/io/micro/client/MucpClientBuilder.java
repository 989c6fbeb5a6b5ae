package io.micro.client;

import io.micro.codec.Codecs;
import io.micro.selector.Selector;
import io.micro.transport.Transport;
import io.micro.transport.http.HttpTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import org.jspecify.annotations.Nullable;

/** The {@link Client.Builder}; its fields are read by {@link MucpClient} once built. */
final class MucpClientBuilder implements Client.Builder {
  @Nullable Selector selector;
  @Nullable Transport transport;
  io.micro.broker.@Nullable Broker broker;
  Codecs codecs = Codecs.standard();
  int retries = 5;
  Duration requestTimeout = Duration.ofSeconds(30);
  Duration connectionTimeout = Duration.ofSeconds(5);
  Duration dialTimeout = Duration.ofSeconds(5);
  int poolSize = 100;
  Duration poolTtl = Duration.ofMinutes(1);
  String contentType = "application/json";
  Backoff backoff = Backoff.exponential();
  RetryPolicy retryPolicy = RetryPolicy.standard();
  List<CallWrapper> wrappers = new ArrayList<>();
  @Nullable Executor executor;

  @Override
  public Client.Builder selector(Selector selector) {
    this.selector = Objects.requireNonNull(selector, "selector");
    return this;
  }

  @Override
  public Client.Builder broker(io.micro.broker.Broker broker) {
    this.broker = Objects.requireNonNull(broker, "broker");
    return this;
  }

  @Override
  public Client.Builder transport(Transport transport) {
    this.transport = Objects.requireNonNull(transport, "transport");
    return this;
  }

  @Override
  public Client.Builder codecs(Codecs codecs) {
    this.codecs = Objects.requireNonNull(codecs, "codecs");
    return this;
  }

  @Override
  public Client.Builder retries(int retries) {
    if (retries < 0) {
      throw new IllegalArgumentException("retries: " + retries + " (expected: >= 0)");
    }
    this.retries = retries;
    return this;
  }

  @Override
  public Client.Builder requestTimeout(Duration timeout) {
    this.requestTimeout = positive("requestTimeout", timeout);
    return this;
  }

  @Override
  public Client.Builder connectionTimeout(Duration timeout) {
    this.connectionTimeout = positive("connectionTimeout", timeout);
    return this;
  }

  @Override
  public Client.Builder dialTimeout(Duration timeout) {
    this.dialTimeout = positive("dialTimeout", timeout);
    return this;
  }

  @Override
  public Client.Builder poolSize(int size) {
    if (size < 0) {
      throw new IllegalArgumentException("poolSize: " + size + " (expected: >= 0)");
    }
    this.poolSize = size;
    return this;
  }

  @Override
  public Client.Builder poolTtl(Duration ttl) {
    this.poolTtl = positive("poolTtl", ttl);
    return this;
  }

  @Override
  public Client.Builder contentType(String contentType) {
    Objects.requireNonNull(contentType, "contentType");
    if (contentType.isBlank()) {
      throw new IllegalArgumentException("contentType: '' (expected: e.g. application/json)");
    }
    this.contentType = contentType;
    return this;
  }

  @Override
  public Client.Builder backoff(Backoff backoff) {
    this.backoff = Objects.requireNonNull(backoff, "backoff");
    return this;
  }

  @Override
  public Client.Builder retryPolicy(RetryPolicy policy) {
    this.retryPolicy = Objects.requireNonNull(policy, "policy");
    return this;
  }

  @Override
  public Client.Builder wrap(CallWrapper... more) {
    for (CallWrapper w : more) {
      wrappers.add(Objects.requireNonNull(w, "wrapper"));
    }
    return this;
  }

  @Override
  public Client.Builder executor(Executor executor) {
    this.executor = Objects.requireNonNull(executor, "executor");
    return this;
  }

  @Override
  public Client build() {
    if (codecs.forContentType(contentType).isEmpty()) {
      throw new IllegalStateException(
          "contentType: " + contentType + " (expected one of " + codecs.contentTypes() + ")");
    }
    MucpClientBuilder snapshot = copy();
    List<AutoCloseable> owned = new ArrayList<>();
    Transport t = transport;
    if (t == null) {
      t = HttpTransport.create();
      snapshot.transport = t;
      owned.add(t);
    }
    Executor exec = executor;
    if (exec == null) {
      ExecutorService virtual = Executors.virtualThreads();
      if (virtual != null) {
        owned.add(virtual::shutdown);
        exec = virtual;
      } else {
        exec = ForkJoinPool.commonPool();
      }
    }
    ConnectionPool pool = new ConnectionPool(t, poolSize, poolTtl);
    return new MucpClient(snapshot, pool, exec, List.copyOf(owned));
  }

  private MucpClientBuilder copy() {
    MucpClientBuilder b = new MucpClientBuilder();
    b.selector = selector;
    b.transport = transport;
    b.broker = broker;
    b.codecs = codecs;
    b.retries = retries;
    b.requestTimeout = requestTimeout;
    b.connectionTimeout = connectionTimeout;
    b.dialTimeout = dialTimeout;
    b.poolSize = poolSize;
    b.poolTtl = poolTtl;
    b.contentType = contentType;
    b.backoff = backoff;
    b.retryPolicy = retryPolicy;
    b.wrappers = List.copyOf(wrappers);
    b.executor = executor;
    return b;
  }

  private static Duration positive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
    }
    return d;
  }

  /** The virtual-thread executor of Java 21+, found without compiling against it. */
  static final class Executors {
    private Executors() {}

    static @Nullable ExecutorService virtualThreads() {
      if (Runtime.version().feature() < 21) {
        return null;
      }
      try {
        return (ExecutorService) java.util.concurrent.Executors.class
            .getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
      } catch (ReflectiveOperationException | RuntimeException e) {
        return null;
      }
    }
  }
}
