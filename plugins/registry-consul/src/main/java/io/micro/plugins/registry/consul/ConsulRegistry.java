package io.micro.plugins.registry.consul;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micro.errors.MicroException;
import io.micro.registry.Node;
import io.micro.registry.Registry;
import io.micro.registry.Service;
import io.micro.registry.Watcher;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Registry} on the Consul agent HTTP API, compatible with go-micro's Consul registry (the
 * v4 plugin and v5+ {@code registry/consul}): Java and Go services registered with the same Consul
 * find each other.
 *
 * <ul>
 *   <li><b>register</b>: one {@code PUT /v1/agent/service/register} per node with {@code ID} = node
 *       id, {@code Name} = service name, {@code Address}/{@code Port} from the node's {@code
 *       host:port}, {@code Tags} = go-micro's {@code t-}/{@code e-}/{@code v-} encoding of node
 *       metadata, endpoints and version, {@code Meta} = node metadata, and for a positive TTL a
 *       {@code TTL} check ({@code DeregisterCriticalServiceAfter} = TTL + 5 s, at least 1m5s) that
 *       is passed at once ({@code PUT /v1/agent/check/pass/service:<id>}). Registering an unchanged
 *       node again only passes the check; if that fails (say the agent restarted and forgot the
 *       service) the node is registered in full again.
 *   <li><b>deregister</b>: {@code PUT /v1/agent/service/deregister/<id>} per node; a node Consul
 *       does not know is ignored.
 *   <li><b>getService</b>: {@code GET /v1/health/service/<name>?stale}, grouped by version; nodes
 *       with a critical check are left out (a node whose TTL passed is critical, so it disappears
 *       within its TTL), as are versions left without nodes.
 *   <li><b>listServices</b>: {@code GET /v1/catalog/services?stale}, names only (version empty).
 *   <li><b>watch</b>: blocking queries ({@code index}/{@code wait}) on the health of each service
 *       (and on the catalog when watching every service); changes are reported as {@code create}
 *       (a version appears), {@code update} (nodes added or changed, or its data changed) and
 *       {@code delete} (nodes removed, carrying only them, even when others of the version remain).
 * </ul>
 *
 * <p>Thread-safe. {@link #close()} stops the watchers; registrations stay until deregistered or
 * until their TTL check turns critical and Consul removes them.
 *
 * <pre>{@code
 * try (Registry registry = ConsulRegistry.builder().addresses("127.0.0.1:8500").build()) {
 *   registry.register(service, Duration.ofSeconds(60));
 * }
 * }</pre>
 */
public final class ConsulRegistry implements Registry {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final Agent agent;
  private final Entries entries = new Entries();
  private final boolean passingOnly;
  private final Duration watchWait;
  private final ExecutorService watchThreads = newWatchExecutor();
  /** The last registration body sent per node id, to tell an unchanged re-registration. */
  private final Map<String, byte[]> registered = new ConcurrentHashMap<>();

  private final List<ConsulWatch> watches = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  private ConsulRegistry(Builder b) {
    this.agent = new Agent(b.addresses, b.secure, b.ssl, b.token, b.connectTimeout, b.timeout);
    this.passingOnly = b.passingOnly;
    this.watchWait = b.watchWait;
  }

  /** A builder with the defaults: agent {@code 127.0.0.1:8500}, plain HTTP, no token. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns {@code consul}. */
  @Override
  public String name() {
    return "consul";
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException when the service has no node or the TTL is negative
   * @throws MicroException when Consul rejects the registration or cannot be reached (naming the
   *     agent and Consul's answer)
   * @throws IllegalStateException when the registry is closed
   */
  @Override
  public void register(Service service, Duration ttl) {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative()) {
      throw new IllegalArgumentException("ttl: " + ttl + " (expected: >= 0)");
    }
    if (service.nodes().isEmpty()) {
      throw new IllegalArgumentException(
          "service " + service.name() + ": no nodes (expected: at least one node)");
    }
    checkOpen();
    for (Node node : service.nodes()) {
      registerNode(service, node, ttl);
    }
  }

  private void registerNode(Service service, Node node, Duration ttl) {
    byte[] body = json(Registration.of(service, node, ttl));
    String pass = "/v1/agent/check/pass/" + segment("service:" + node.id());
    if (!ttl.isZero() && Arrays.equals(registered.get(node.id()), body)) {
      if (agent.put(pass, null).ok()) {
        return;
      }
      // Consul lost the check (agent restarted, or the node was reaped): register in full
    }
    String path = "/v1/agent/service/register";
    agent.check(agent.put(path, body), "PUT", path);
    registered.put(node.id(), body);
    if (!ttl.isZero()) {
      agent.check(agent.put(pass, null), "PUT", pass);
    }
  }

  /**
   * {@inheritDoc} Nodes Consul does not know are ignored.
   *
   * @throws MicroException when Consul fails otherwise or cannot be reached
   */
  @Override
  public void deregister(Service service) {
    Objects.requireNonNull(service, "service");
    checkOpen();
    for (Node node : service.nodes()) {
      registered.remove(node.id());
      String path = "/v1/agent/service/deregister/" + segment(node.id());
      Agent.Response rsp = agent.put(path, null);
      if (rsp.status() != 404) {
        agent.check(rsp, "PUT", path);
      }
    }
  }

  /**
   * {@inheritDoc}
   *
   * @throws MicroException when Consul cannot be reached or answers with an error
   */
  @Override
  public List<Service> getService(String name) {
    Objects.requireNonNull(name, "name");
    checkOpen();
    return health(name, 0).value();
  }

  /**
   * {@inheritDoc} The entries carry names only, as go-micro's do.
   *
   * @throws MicroException when Consul cannot be reached or answers with an error
   */
  @Override
  public List<Service> listServices() {
    checkOpen();
    List<Service> out = new ArrayList<>();
    for (String n : catalog(0).value()) {
      out.add(Service.of(n, ""));
    }
    return List.copyOf(out);
  }

  /**
   * {@inheritDoc} The current state is read before this method returns, so every change made after
   * it is reported. The watcher must be closed by the caller (or by closing the registry); it
   * survives Consul outages, retrying with back-off.
   *
   * @throws MicroException when Consul cannot be reached for the initial read
   */
  @Override
  public Watcher watch(String service) {
    Objects.requireNonNull(service, "service");
    checkOpen();
    ConsulWatch[] self = new ConsulWatch[1];
    self[0] = new ConsulWatch(this, service, watchThreads, () -> watches.remove(self[0]));
    watches.add(self[0]);
    try {
      self[0].start();
    } catch (RuntimeException e) {
      self[0].watcher().close();
      throw e;
    }
    return self[0].watcher();
  }

  /** Stops every watcher; idempotent. */
  @Override
  public void close() {
    closed = true;
    for (ConsulWatch w : watches) {
      w.watcher().close();
    }
    watchThreads.shutdownNow();
  }

  /** A value read from Consul and the {@code X-Consul-Index} it was read at. */
  record Snapshot<T>(T value, long index) {}

  /** The health of {@code name}; blocks for changes after {@code index} when it is positive. */
  Snapshot<List<Service>> health(String name, long index) {
    String path = "/v1/health/service/" + segment(name) + "?stale" + (passingOnly ? "&passing=true" : "");
    Agent.Response rsp = read(path, index);
    try {
      return new Snapshot<>(entries.services(name, rsp.body()), rsp.index());
    } catch (IllegalArgumentException e) {
      throw MicroException.internalServerError(
          Agent.ERROR_ID, "consul agent %s: GET %s: %s", agent.current(), path, e.getMessage());
    }
  }

  /** The service names; blocks for changes after {@code index} when it is positive. */
  Snapshot<List<String>> catalog(long index) {
    String path = "/v1/catalog/services?stale";
    Agent.Response rsp = read(path, index);
    try {
      return new Snapshot<>(Entries.names(rsp.body()), rsp.index());
    } catch (IllegalArgumentException e) {
      throw MicroException.internalServerError(
          Agent.ERROR_ID, "consul agent %s: GET %s: %s", agent.current(), path, e.getMessage());
    }
  }

  private Agent.Response read(String path, long index) {
    if (index <= 0) {
      return agent.check(agent.get(path), "GET", path);
    }
    String blocking = path + "&index=" + index + "&wait=" + GoDuration.format(watchWait);
    return agent.check(agent.block(blocking, watchWait), "GET", blocking);
  }

  boolean isClosed() {
    return closed;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("consul registry (" + agent.all() + ") is closed");
    }
  }

  private void probe() {
    agent.probe();
  }

  private static byte[] json(Object value) {
    try {
      return JSON.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Percent-encodes one URL path segment (RFC 3986 pchar stays as it is). */
  static String segment(String s) {
    StringBuilder out = new StringBuilder(s.length() + 8);
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "-._~:@!$'()*,;=".indexOf(c) >= 0) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      }
    }
    return out.toString();
  }

  /** Virtual threads on Java 21+, daemon platform threads before. */
  private static ExecutorService newWatchExecutor() {
    if (Runtime.version().feature() >= 21) {
      try {
        return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
      } catch (ReflectiveOperationException | RuntimeException e) {
        // fall back to platform threads
      }
    }
    return Executors.newCachedThreadPool(
        r -> {
          Thread t = new Thread(r, "micro-consul-watch-" + THREADS.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  /** Options of a {@link ConsulRegistry}; not thread-safe, use once. */
  public static final class Builder {
    private List<String> addresses = List.of("127.0.0.1:8500");
    private boolean secure;
    private @Nullable SSLContext ssl;
    private @Nullable String token;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration timeout = Duration.ofSeconds(10);
    private Duration watchWait = Duration.ofMinutes(1);
    private boolean passingOnly;
    private boolean probe = true;

    private Builder() {}

    /**
     * The agents to talk to, {@code host[:port]} (port 8500 when absent) or {@code
     * http(s)://host:port} (an {@code https} address turns on TLS); requests go to the first that
     * answers and move on to the next when it stops answering. Default {@code 127.0.0.1:8500}.
     *
     * @throws IllegalArgumentException when the list is empty or an address is blank
     */
    public Builder addresses(List<String> agents) {
      if (agents.isEmpty()) {
        throw new IllegalArgumentException("addresses: [] (expected: at least one host[:port])");
      }
      List<String> out = new ArrayList<>(agents.size());
      for (String a : agents) {
        String s = a.strip();
        if (s.startsWith("https://")) {
          secure = true;
          s = s.substring(8);
        } else if (s.startsWith("http://")) {
          s = s.substring(7);
        }
        if (s.endsWith("/")) {
          s = s.substring(0, s.length() - 1);
        }
        if (s.isEmpty()) {
          throw new IllegalArgumentException("address: '" + a + "' (expected: host[:port])");
        }
        HostPort hp = HostPort.split(s);
        out.add(hp.port() == 0 ? HostPort.join(hp.host(), 8500) : s);
      }
      this.addresses = List.copyOf(out);
      return this;
    }

    /** Same as {@link #addresses(List)}. */
    public Builder addresses(String... agents) {
      return addresses(List.of(agents));
    }

    /** The ACL token sent as {@code X-Consul-Token} (default none). */
    public Builder token(@Nullable String aclToken) {
      this.token = aclToken == null || aclToken.isEmpty() ? null : aclToken;
      return this;
    }

    /** Talks HTTPS with the JDK's default trust store (default: plain HTTP). */
    public Builder secure(boolean https) {
      this.secure = https;
      return this;
    }

    /** Talks HTTPS with this TLS context (client certificates, private CAs); implies secure. */
    public Builder tls(SSLContext context) {
      this.ssl = Objects.requireNonNull(context, "context");
      this.secure = true;
      return this;
    }

    /**
     * How long one request may take, blocking queries excepted (default 10 s).
     *
     * @throws IllegalArgumentException when not positive
     */
    public Builder timeout(Duration requestTimeout) {
      this.timeout = positive("timeout", requestTimeout);
      return this;
    }

    /**
     * How long connecting to an agent may take (default 5 s).
     *
     * @throws IllegalArgumentException when not positive
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive("connectTimeout", timeout);
      return this;
    }

    /**
     * The {@code wait} of watch queries: how long Consul may hold one before answering unchanged
     * (default 1 minute; Consul caps it at 10 minutes).
     *
     * @throws IllegalArgumentException when not positive or above 10 minutes
     */
    public Builder watchWait(Duration wait) {
      positive("watchWait", wait);
      if (wait.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new IllegalArgumentException("watchWait: " + wait + " (expected: <= 10m)");
      }
      this.watchWait = wait;
      return this;
    }

    /**
     * Asks Consul for passing instances only ({@code ?passing=true}), which also drops nodes in
     * {@code warning}. Default false: like go-micro, only nodes with a {@code critical} check are
     * dropped.
     */
    public Builder passingOnly(boolean passing) {
      this.passingOnly = passing;
      return this;
    }

    /**
     * Whether {@link #build()} checks that an agent answers (default true); turn it off to build a
     * registry before Consul is up.
     */
    public Builder probe(boolean check) {
      this.probe = check;
      return this;
    }

    /**
     * A registry connected to the first agent that answers.
     *
     * @throws MicroException when probing and no agent answers, naming every address tried
     */
    public ConsulRegistry build() {
      ConsulRegistry registry = new ConsulRegistry(this);
      if (probe) {
        try {
          registry.probe();
        } catch (RuntimeException e) {
          registry.close();
          throw e;
        }
      }
      return registry;
    }

    private static Duration positive(String what, Duration d) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + ": " + d + " (expected: > 0)");
      }
      return d;
    }
  }
}
