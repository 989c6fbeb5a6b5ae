package io.micro.plugins.registry.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.grpc.netty.GrpcSslContexts;
import io.micro.errors.MicroException;
import io.micro.registry.Node;
import io.micro.registry.Registry;
import io.micro.registry.Service;
import io.micro.registry.Watcher;
import io.netty.handler.ssl.SslContext;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * A registry on etcd v3, wire-compatible with go-micro's etcd registry: each node is stored at
 * {@code /micro/registry/<service>/<nodeId>} ({@code /} in names replaced by {@code -}) as the
 * JSON of its service with only that node, bound to an etcd lease of the registration TTL.
 *
 * <ul>
 *   <li>{@link #register} grants a lease ({@code ceil(ttl)} seconds; etcd raises it to its minimum,
 *       about 2 s) and puts the key; registering the same node again unchanged only keeps its lease
 *       alive once, a changed node (or one whose lease etcd forgot) is written again with a new
 *       lease. A zero TTL writes a key that never expires.
 *   <li>{@link #deregister} deletes the key and revokes its lease.
 *   <li>{@link #getService} reads the service's prefix and merges the nodes of each version;
 *       {@link #listServices} reads the whole prefix, one entry (with its nodes) per name and
 *       version, sorted by name.
 *   <li>{@link #watch} is an etcd watch of the prefix: {@code create} when a key appears, {@code
 *       update} when it is rewritten, {@code delete} when it is deleted or its lease expires.
 * </ul>
 *
 * <p>Values that are not service records (written by someone else) are skipped with one warning
 * naming the key. jetcd reconnects by itself when etcd restarts; the next registration of a node
 * whose lease was lost writes it again.
 *
 * <p>Thread-safe. {@link EtcdRegistry.Builder#build()} connects and fails if etcd cannot be
 * reached; every call waits at most the request timeout and throws a {@link MicroException} naming
 * the operation, the key and the etcd addresses when it fails. {@link #close()} closes the watchers
 * and the connection; registered keys stay until their leases expire.
 *
 * <pre>{@code
 * try (Registry registry = EtcdRegistry.builder().addresses("10.0.0.1:2379", "10.0.0.2:2379").build()) {
 *   registry.register(service, Duration.ofSeconds(60));
 *   List<Service> versions = registry.getService("go.micro.srv.greeter");
 * }
 * }</pre>
 */
public final class EtcdRegistry implements Registry {
  private final Client client;
  private final Keys keys;
  private final Records records = new Records();
  private final Calls calls;
  private final Registrations registrations;
  private final List<EtcdWatcher> watchers = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  private EtcdRegistry(Builder b, Client client) {
    this.client = client;
    this.keys = new Keys(b.prefix);
    this.calls = new Calls(String.join(",", b.addresses), b.requestTimeout);
    this.registrations = new Registrations(client.getKVClient(), client.getLeaseClient(), calls, keys,
        records);
  }

  /** A builder with go-micro's defaults: {@code 127.0.0.1:2379}, 5 s timeouts, no auth, no TLS. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns {@code etcd}. */
  @Override
  public String name() {
    return "etcd";
  }

  /**
   * {@inheritDoc} Every node is written under its own key; when some fail, the others are still
   * registered and the first failure is thrown (the rest are suppressed in it).
   *
   * @throws IllegalArgumentException when the service has no node or the TTL is negative
   * @throws MicroException when etcd refuses or does not answer in time
   * @throws IllegalStateException when the registry is closed
   */
  @Override
  public void register(Service service, Duration ttl) {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative()) {
      throw new IllegalArgumentException("ttl: " + ttl + " (expected: >= 0)");
    }
    requireNodes(service);
    checkOpen();
    eachNode(service, node -> registrations.register(service, node, ttl));
  }

  /**
   * {@inheritDoc} Deletes the key of every node of {@code service}; keys that are not there are
   * ignored.
   *
   * @throws IllegalArgumentException when the service has no node
   * @throws MicroException when etcd refuses or does not answer in time
   */
  @Override
  public void deregister(Service service) {
    Objects.requireNonNull(service, "service");
    requireNodes(service);
    checkOpen();
    eachNode(service, node -> registrations.deregister(service, node));
  }

  /**
   * {@inheritDoc} One linearizable prefix read; versions come in the order of their first node's
   * key, each with the metadata and endpoints of that node's record.
   *
   * @throws MicroException when etcd refuses or does not answer in time
   */
  @Override
  public List<Service> getService(String name) {
    Objects.requireNonNull(name, "name");
    checkOpen();
    String prefix = keys.service(name);
    Map<String, Merged> versions = new LinkedHashMap<>();
    for (Service s : read(prefix)) {
      if (s.name().equals(name)) {
        versions.computeIfAbsent(s.version(), v -> new Merged(s)).add(s.nodes());
      }
    }
    return versions.values().stream().map(Merged::service).toList();
  }

  /**
   * {@inheritDoc} Reads every record under the prefix (as go-micro does), so the entries carry their
   * nodes; sorted by name, then version.
   *
   * @throws MicroException when etcd refuses or does not answer in time
   */
  @Override
  public List<Service> listServices() {
    checkOpen();
    Map<List<String>, Merged> versions = new LinkedHashMap<>();
    for (Service s : read(keys.prefix())) {
      versions.computeIfAbsent(List.of(s.name(), s.version()), k -> new Merged(s)).add(s.nodes());
    }
    return versions.values().stream().map(Merged::service)
        .sorted(Comparator.comparing(Service::name).thenComparing(Service::version))
        .toList();
  }

  /**
   * {@inheritDoc} The watcher reports every change made after this method returns; it must be
   * closed by the caller (or by closing the registry).
   *
   * @throws MicroException when etcd cannot be asked for its current revision
   */
  @Override
  public Watcher watch(String service) {
    Objects.requireNonNull(service, "service");
    checkOpen();
    String prefix = service.isEmpty() ? keys.prefix() : keys.service(service);
    GetResponse now = calls.await(client.getKVClient().get(Keys.bytes(prefix),
        GetOption.builder().withKeysOnly(true).withLimit(1).build()), "read revision of " + prefix);
    EtcdWatcher[] self = new EtcdWatcher[1];
    self[0] = new EtcdWatcher(client.getWatchClient(), prefix, service,
        now.getHeader().getRevision() + 1, records, () -> watchers.remove(self[0]));
    watchers.add(self[0]);
    return self[0];
  }

  /** Closes every watcher and the connection to etcd; idempotent. Registered keys stay. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (EtcdWatcher w : watchers) {
      w.close();
    }
    client.close();
  }

  private List<Service> read(String prefix) {
    GetResponse rsp = calls.await(client.getKVClient().get(Keys.bytes(prefix),
        GetOption.builder().isPrefix(true).build()), "read " + prefix);
    List<Service> out = new ArrayList<>(rsp.getKvs().size());
    for (KeyValue kv : rsp.getKvs()) {
      records.decode(Keys.text(kv.getKey()), kv.getModRevision(), kv.getValue().getBytes())
          .ifPresent(out::add);
    }
    return out;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("etcd registry at " + calls.addresses() + " is closed");
    }
  }

  private static void requireNodes(Service service) {
    if (service.nodes().isEmpty()) {
      throw new IllegalArgumentException(
          "service " + service.name() + ": no nodes (expected: at least one node)");
    }
  }

  private static void eachNode(Service service, java.util.function.Consumer<Node> action) {
    RuntimeException first = null;
    for (Node node : service.nodes()) {
      try {
        action.accept(node);
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /** One version being assembled from the records of its nodes. */
  private static final class Merged {
    private final Service template;
    private final List<Node> nodes = new ArrayList<>();

    Merged(Service template) {
      this.template = template;
    }

    void add(List<Node> more) {
      nodes.addAll(more);
    }

    Service service() {
      return template.withNodes(nodes);
    }
  }

  /** Settings of an {@link EtcdRegistry}; not thread-safe, use once. */
  public static final class Builder {
    private static final int DEFAULT_PORT = 2379;

    private List<String> addresses = List.of("127.0.0.1:" + DEFAULT_PORT);
    private Duration dialTimeout = Duration.ofSeconds(5);
    private Duration requestTimeout = Duration.ofSeconds(5);
    private @Nullable String username;
    private @Nullable String password;
    private @Nullable SslContext tls;
    private String prefix = Keys.DEFAULT_PREFIX;

    private Builder() {}

    /**
     * The etcd members, {@code host:port} (default {@code 127.0.0.1:2379}); a missing port is 2379
     * and an {@code http://} or {@code https://} scheme is ignored (TLS is set with {@link
     * #tls(SslContext)}). Empty strings are ignored; no address at all keeps the default.
     *
     * @throws IllegalArgumentException when an address is not {@code host[:port]}
     */
    public Builder addresses(List<String> hostPorts) {
      List<String> parsed = new ArrayList<>();
      for (String a : hostPorts) {
        String trimmed = a.trim();
        if (!trimmed.isEmpty()) {
          parsed.add(normalise(trimmed));
        }
      }
      if (!parsed.isEmpty()) {
        this.addresses = List.copyOf(parsed);
      }
      return this;
    }

    /** Same as {@link #addresses(List)}. */
    public Builder addresses(String... hostPorts) {
      return addresses(List.of(hostPorts));
    }

    /**
     * How long {@link #build()} waits for etcd to answer, and the TCP connect timeout (default 5 s).
     *
     * @throws IllegalArgumentException when not positive
     */
    public Builder dialTimeout(Duration timeout) {
      this.dialTimeout = positive("dialTimeout", timeout);
      return this;
    }

    /**
     * How long one registry call (put, read, lease grant or keep-alive) may take (default 5 s, as
     * go-micro's registry timeout).
     *
     * @throws IllegalArgumentException when not positive
     */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive("requestTimeout", timeout);
      return this;
    }

    /** etcd user name and password, for clusters with authentication enabled. */
    public Builder auth(String username, String password) {
      this.username = Objects.requireNonNull(username, "username");
      this.password = Objects.requireNonNull(password, "password");
      return this;
    }

    /**
     * Talk TLS with this client context (trust store, client certificate), e.g. {@code
     * GrpcSslContexts.forClient().trustManager(caPem).build()}.
     */
    public Builder tls(SslContext context) {
      this.tls = Objects.requireNonNull(context, "context");
      return this;
    }

    /**
     * Talk TLS, trusting the JDK's default certificate authorities.
     *
     * @throws IllegalStateException when the TLS provider cannot be set up
     */
    public Builder tls() {
      try {
        this.tls = GrpcSslContexts.forClient().build();
      } catch (SSLException e) {
        throw new IllegalStateException("TLS for etcd: " + e.getMessage(), e);
      }
      return this;
    }

    /**
     * The key prefix (default go-micro's {@code /micro/registry/}); Go services must use the same to
     * see each other.
     *
     * @throws IllegalArgumentException when it does not start with {@code /}
     */
    public Builder prefix(String prefix) {
      this.prefix = new Keys(Objects.requireNonNull(prefix, "prefix")).prefix();
      return this;
    }

    /**
     * Connects to etcd and checks that it answers (one read) within the dial timeout.
     *
     * @throws MicroException when etcd cannot be reached or refuses the credentials; the message
     *     names the addresses
     */
    public EtcdRegistry build() {
      ClientBuilder cb = Client.builder()
          .endpoints(addresses.stream().map(a -> URI.create("http://" + a)).toArray(URI[]::new))
          .connectTimeout(dialTimeout);
      if (username != null && password != null) {
        cb.user(ByteSequence.from(username, StandardCharsets.UTF_8))
            .password(ByteSequence.from(password, StandardCharsets.UTF_8));
      }
      if (tls != null) {
        cb.sslContext(tls);
      }
      Client client = cb.build();
      EtcdRegistry registry = new EtcdRegistry(this, client);
      try {
        registry.calls.await(client.getKVClient().get(Keys.bytes(registry.keys.prefix()),
            GetOption.builder().withKeysOnly(true).withLimit(1).build()), "probe", dialTimeout);
      } catch (MicroException e) {
        client.close();
        Throwable cause = Optional.ofNullable(e.getCause()).orElse(e);
        throw MicroException.internalServerError(Calls.ERROR_ID,
            "etcd registry: cannot use etcd at %s (expected: a reachable etcd v3 server, e.g. "
                + "--registry_address=127.0.0.1:2379): %s",
            String.join(",", addresses), e.code() == 408 ? "no answer within "
                + dialTimeout.toMillis() + " ms" : Calls.describe(cause)).withCause(cause);
      }
      return registry;
    }

    private static String normalise(String address) {
      String a = address;
      int scheme = a.indexOf("://");
      if (scheme >= 0) {
        a = a.substring(scheme + 3);
      }
      if (a.endsWith("/")) {
        a = a.substring(0, a.length() - 1);
      }
      URI uri;
      try {
        uri = URI.create("http://" + a);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("address: '" + address + "' (expected: host:port)", e);
      }
      if (uri.getHost() == null || (uri.getPath() != null && !uri.getPath().isEmpty())) {
        throw new IllegalArgumentException("address: '" + address + "' (expected: host:port)");
      }
      return uri.getPort() < 0 ? uri.getHost() + ":" + DEFAULT_PORT : uri.getHost() + ":" + uri.getPort();
    }

    private static Duration positive(String what, Duration d) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + ": " + d + " (expected: > 0)");
      }
      return d;
    }
  }
}
