package io.micro.plugins.registry.zookeeper;

import io.micro.errors.MicroException;
import io.micro.registry.Node;
import io.micro.registry.Registry;
import io.micro.registry.Service;
import io.micro.registry.Watcher;
import io.micro.registry.spi.QueueWatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.curator.RetryPolicy;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A registry on a ZooKeeper ensemble, compatible with go-micro's zookeeper plugin.
 *
 * <p><b>Layout.</b> Each node of a service is one znode {@code <root>/<service>/<node id>} (root
 * {@code /micro-registry} by default; {@code /} in a name becomes {@code -}) whose data is the JSON
 * service with that single node, exactly as go-micro writes it, plus a {@code "ttl_ms"} field when
 * the registration has a TTL. Go services read our records and we read theirs.
 *
 * <p><b>Lifetime.</b> Our node znodes are <em>ephemeral</em>: when the process dies its ZooKeeper
 * session ends and they vanish. A node that stops re-registering while its process lives expires
 * after its TTL, measured from the znode's last write ({@code mtime}, the ensemble's clock):
 * lookups skip it and delete it, and the sweeper of every registry that watches deletes it, so
 * watchers see {@code delete}. This needs no server option (ZooKeeper's own TTL nodes need {@code
 * zookeeper.extendedTypesEnabled=true} and cannot be ephemeral), but the clocks of the ensemble and
 * of the readers must agree to well within the TTL (NTP). Records without {@code "ttl_ms"} (written
 * by Go, which creates persistent znodes) never expire. Re-registering rewrites the record and so
 * renews it. After a session expiry, the registry re-creates its unexpired nodes as soon as the
 * client reconnects, and any later re-registration would too.
 *
 * <p><b>Watch.</b> {@link #watch(String)} starts one {@code CuratorCache} of the root per registry
 * (persistent recursive watch, ZooKeeper 3.6+) and reports {@code create}, {@code update} and
 * {@code delete} per node record, each carrying the service with that node, in ZooKeeper's order.
 *
 * <p>Malformed records written by others are skipped with one warning naming their path. Errors
 * from the ensemble are {@link MicroException}s naming the operation, the znode and the connect
 * string. Thread-safe. {@link #close()} closes the session, which removes this registry's nodes.
 *
 * <pre>{@code
 * try (Registry registry = ZookeeperRegistry.builder().connectString("zk1:2181,zk2:2181").build()) {
 *   registry.register(service, Duration.ofSeconds(30));
 *   List<Service> versions = registry.getService("go.micro.srv.greeter");
 * }
 * }</pre>
 */
public final class ZookeeperRegistry implements Registry {
  static final String ERROR_ID = "go.micro.registry";
  private static final Logger LOG = LoggerFactory.getLogger(ZookeeperRegistry.class);

  /** A registration made through this registry, re-created after a session expiry. */
  private record Owned(byte[] data, long deadlineNanos) {
    boolean expired(long nowNanos) {
      return deadlineNanos != Long.MAX_VALUE && nowNanos - deadlineNanos > 0;
    }
  }

  private final CuratorFramework client;
  private final String connectString;
  private final Duration connectionTimeout;
  private final ZnodePaths paths;
  private final Malformed malformed = new Malformed();
  private final Map<String, Owned> owned = new ConcurrentHashMap<>();
  private final ScheduledExecutorService background;
  private final Object watchLock = new Object();
  private @Nullable CacheWatch cacheWatch;
  private volatile boolean closed;

  private ZookeeperRegistry(Builder b) {
    this.connectString = b.connectString;
    this.connectionTimeout = b.connectionTimeout;
    this.paths = new ZnodePaths(b.rootPath);
    this.client = CuratorFrameworkFactory.builder()
        .connectString(b.connectString)
        .sessionTimeoutMs(millis(b.sessionTimeout))
        .connectionTimeoutMs(millis(b.connectionTimeout))
        .retryPolicy(b.retryPolicy)
        .ensembleTracker(false) // keep the connect string we were given
        .build();
    client.start();
    try {
      if (!client.blockUntilConnected(millis(b.connectionTimeout), TimeUnit.MILLISECONDS)) {
        throw MicroException.of(ERROR_ID, 503, String.format(
            "zookeeper registry: no connection to %s within %d ms (expected: a reachable ZooKeeper ensemble)",
            connectString, b.connectionTimeout.toMillis()));
      }
      createRoot();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      client.close();
      throw MicroException.of(ERROR_ID, 503,
          "zookeeper registry: interrupted while connecting to " + connectString);
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
    this.background = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "micro-zookeeper-registry");
      t.setDaemon(true);
      return t;
    });
    long every = b.sweepInterval.toNanos();
    background.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.NANOSECONDS);
    client.getConnectionStateListenable().addListener((c, state) -> {
      if (state == ConnectionState.RECONNECTED && !closed) {
        background.execute(this::reassert);
      }
    });
  }

  /** A builder with the defaults: {@code 127.0.0.1:2181}, root {@code /micro-registry}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns {@code zookeeper}. */
  @Override
  public String name() {
    return "zookeeper";
  }

  /**
   * {@inheritDoc} Each node is written to its znode (created ephemeral, or rewritten, which renews
   * its TTL); a znode of that path held by another session (a previous run of the same node) is
   * replaced.
   *
   * @throws IllegalArgumentException when the service has no node, the TTL is negative or a name
   *     cannot be a ZooKeeper path segment
   * @throws MicroException when the ensemble fails or cannot be reached
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
    long deadline = ttl.isZero() ? Long.MAX_VALUE : System.nanoTime() + ttl.toNanos();
    for (Node node : service.nodes()) {
      String path = paths.node(service.name(), node.id());
      byte[] data = Records.encode(service.withNodes(List.of(node)), ttl);
      put(path, data);
      owned.put(path, new Owned(data, deadline));
    }
  }

  /**
   * {@inheritDoc} Nodes that are not registered are ignored.
   *
   * @throws MicroException when the ensemble fails or cannot be reached
   */
  @Override
  public void deregister(Service service) {
    Objects.requireNonNull(service, "service");
    checkOpen();
    for (Node node : service.nodes()) {
      String path = paths.node(service.name(), node.id());
      owned.remove(path);
      try {
        client.delete().forPath(path);
      } catch (KeeperException.NoNodeException gone) {
        // already gone
      } catch (Exception e) {
        throw failure("deregister", path, e);
      }
    }
  }

  /**
   * {@inheritDoc} Read from the ensemble (not a cache); expired records are skipped and deleted,
   * malformed ones skipped with a warning.
   *
   * @throws MicroException when the ensemble fails or cannot be reached
   */
  @Override
  public List<Service> getService(String name) {
    Objects.requireNonNull(name, "name");
    checkOpen();
    List<Service> records = new ArrayList<>();
    for (Records.Decoded d : read(paths.service(name))) {
      if (d.service().name().equals(name)) {
        records.add(d.service());
      }
    }
    return byVersion(records);
  }

  /**
   * {@inheritDoc} One entry per name and version with its metadata and endpoints, without nodes.
   *
   * @throws MicroException when the ensemble fails or cannot be reached
   */
  @Override
  public List<Service> listServices() {
    checkOpen();
    List<String> names = children(paths.root());
    List<Service> out = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (String dir : names) {
      for (Records.Decoded d : read(paths.root() + "/" + dir)) {
        Service s = d.service();
        if (seen.add(s.name() + "\u0000" + s.version())) {
          out.add(s.withNodes(List.of()));
        }
      }
    }
    return out;
  }

  /**
   * {@inheritDoc} The first watcher starts this registry's cache of the tree and waits (up to the
   * connection timeout) until it is loaded. The watcher must be closed by the caller (or by closing
   * the registry).
   *
   * @throws MicroException when the tree cannot be loaded
   */
  @Override
  public Watcher watch(String service) {
    Objects.requireNonNull(service, "service");
    checkOpen();
    CacheWatch hub = cacheWatch();
    QueueWatcher[] self = new QueueWatcher[1];
    self[0] = new QueueWatcher(service, () -> hub.remove(self[0]));
    hub.add(self[0]);
    return self[0];
  }

  /**
   * Closes every watcher and the ZooKeeper session; the ensemble then removes this registry's
   * ephemeral nodes at once. Idempotent.
   */
  @Override
  public void close() {
    CacheWatch hub;
    synchronized (watchLock) {
      if (closed) {
        return;
      }
      closed = true;
      hub = cacheWatch;
      cacheWatch = null;
    }
    background.shutdownNow();
    if (hub != null) {
      hub.close();
    }
    client.close();
  }

  /** The Curator client, for tests that simulate a crash or a session expiry. */
  CuratorFramework curator() {
    return client;
  }

  // ---- writing ----

  private void createRoot() {
    try {
      client.create().creatingParentsIfNeeded().forPath(paths.root());
    } catch (KeeperException.NodeExistsException exists) {
      // normal
    } catch (Exception e) {
      throw failure("create", paths.root(), e);
    }
  }

  /** Writes {@code data} to {@code path} as an ephemeral znode of this session. */
  private void put(String path, byte[] data) {
    try {
      for (int attempt = 0; attempt < 5; attempt++) {
        long session = client.getZookeeperClient().getZooKeeper().getSessionId();
        Stat stat = client.checkExists().forPath(path);
        try {
          if (stat == null) {
            client.create().creatingParentContainersIfNeeded()
                .withMode(CreateMode.EPHEMERAL).forPath(path, data);
            return;
          }
          if (stat.getEphemeralOwner() == session) {
            client.setData().forPath(path, data);
            return;
          }
          // persistent (written by Go) or held by another session: make it ours
          client.delete().withVersion(stat.getVersion()).forPath(path);
        } catch (KeeperException.NodeExistsException | KeeperException.NoNodeException
            | KeeperException.BadVersionException raced) {
          // someone changed the znode between our read and our write: look again
        }
      }
      throw MicroException.conflict(ERROR_ID,
          "zookeeper registry: %s keeps changing under us (expected: one writer per node id)", path);
    } catch (MicroException e) {
      throw e;
    } catch (Exception e) {
      throw failure("register", path, e);
    }
  }

  // ---- reading ----

  private List<String> children(String path) {
    try {
      return client.getChildren().forPath(path);
    } catch (KeeperException.NoNodeException none) {
      return List.of();
    } catch (Exception e) {
      throw failure("list", path, e);
    }
  }

  /** The valid, unexpired records under a service znode. */
  private List<Records.Decoded> read(String servicePath) {
    List<Records.Decoded> out = new ArrayList<>();
    for (String child : children(servicePath)) {
      String path = servicePath + "/" + child;
      Stat stat = new Stat();
      byte[] data;
      try {
        data = client.getData().storingStatIn(stat).forPath(path);
      } catch (KeeperException.NoNodeException gone) {
        continue;
      } catch (Exception e) {
        throw failure("read", path, e);
      }
      if (stat.getNumChildren() > 0) {
        continue; // not a record
      }
      Records.Decoded d;
      try {
        d = Records.decode(data == null ? new byte[0] : data);
      } catch (IllegalArgumentException e) {
        malformed.warn(path, stat.getMzxid(), e.getMessage());
        continue;
      }
      if (d.expired(stat.getMtime(), System.currentTimeMillis())) {
        prune(path, stat.getVersion());
        continue;
      }
      out.add(d);
    }
    return out;
  }

  /** Groups one-node records by version, keeping the first record's metadata and endpoints. */
  private static List<Service> byVersion(List<Service> records) {
    Map<String, Service> first = new LinkedHashMap<>();
    Map<String, List<Node>> nodes = new LinkedHashMap<>();
    for (Service s : records) {
      first.putIfAbsent(s.version(), s);
      nodes.computeIfAbsent(s.version(), v -> new ArrayList<>()).addAll(s.nodes());
    }
    List<Service> out = new ArrayList<>(first.size());
    first.forEach((version, s) -> out.add(s.withNodes(nodes.get(version))));
    return out;
  }

  // ---- expiry, session loss ----

  /** Deletes an expired record unless it was rewritten since it was read. */
  private void prune(String path, int version) {
    try {
      client.delete().withVersion(version).forPath(path);
      LOG.debug("zookeeper registry: deleted expired {}", path);
    } catch (KeeperException.NoNodeException | KeeperException.BadVersionException renewed) {
      // gone or renewed meanwhile
    } catch (Exception e) {
      LOG.debug("zookeeper registry: could not delete expired {}: {}", path, e.toString());
    }
  }

  /** Runs every sweep interval: drops our own expired nodes and, when watching, everyone's. */
  private void sweep() {
    try {
      long now = System.nanoTime();
      owned.forEach((path, o) -> {
        if (o.expired(now) && owned.remove(path, o)) {
          deleteIfOurs(path);
        }
      });
      CacheWatch hub;
      synchronized (watchLock) {
        hub = cacheWatch;
      }
      if (hub != null) {
        for (CacheWatch.Expired e : hub.expired(System.currentTimeMillis())) {
          prune(e.path(), e.version());
        }
      }
    } catch (RuntimeException e) {
      LOG.debug("zookeeper registry: sweep failed: {}", e.toString());
    }
  }

  private void deleteIfOurs(String path) {
    try {
      Stat stat = client.checkExists().forPath(path);
      long session = client.getZookeeperClient().getZooKeeper().getSessionId();
      if (stat != null && stat.getEphemeralOwner() == session) {
        prune(path, stat.getVersion());
      }
    } catch (Exception e) {
      LOG.debug("zookeeper registry: could not expire {}: {}", path, e.toString());
    }
  }

  /** After a reconnection: re-creates our unexpired nodes that the ensemble no longer has. */
  private void reassert() {
    long now = System.nanoTime();
    owned.forEach((path, o) -> {
      if (closed || o.expired(now)) {
        return;
      }
      try {
        Stat stat = client.checkExists().forPath(path);
        long session = client.getZookeeperClient().getZooKeeper().getSessionId();
        if (stat == null || stat.getEphemeralOwner() != session) {
          put(path, o.data());
          LOG.info("zookeeper registry: re-created {} after reconnecting", path);
        }
      } catch (Exception e) {
        LOG.warn("zookeeper registry: could not re-create {} after reconnecting: {}", path,
            e.toString());
      }
    });
  }

  // ---- plumbing ----

  private CacheWatch cacheWatch() {
    synchronized (watchLock) {
      checkOpen();
      if (cacheWatch == null) {
        cacheWatch = CacheWatch.start(client, paths, malformed, connectionTimeout, connectString);
      }
      return cacheWatch;
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("zookeeper registry of " + connectString + " is closed");
    }
  }

  private MicroException failure(String operation, String path, Exception e) {
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    String why = e instanceof KeeperException ke ? ke.code().name() : e.toString();
    return MicroException.of(ERROR_ID, 503, String.format(
        "zookeeper registry: %s %s at %s failed: %s", operation, path, connectString, why))
        .withCause(e);
  }

  private static int millis(Duration d) {
    return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
  }

  /** Options of a {@link ZookeeperRegistry}; not thread-safe, use once. */
  public static final class Builder {
    private String connectString = "127.0.0.1:2181";
    private Duration sessionTimeout = Duration.ofSeconds(15);
    private Duration connectionTimeout = Duration.ofSeconds(5);
    private String rootPath = "/micro-registry";
    private RetryPolicy retryPolicy = new ExponentialBackoffRetry(200, 3);
    private Duration sweepInterval = Duration.ofSeconds(1);

    private Builder() {}

    /**
     * The ensemble as ZooKeeper writes it, {@code host:port[,host:port...][/chroot]}; default
     * {@code 127.0.0.1:2181}.
     *
     * @throws IllegalArgumentException when blank
     */
    public Builder connectString(String connectString) {
      if (connectString == null || connectString.isBlank()) {
        throw new IllegalArgumentException(
            "connectString: '" + connectString + "' (expected: host:port[,host:port...])");
      }
      this.connectString = connectString.strip();
      return this;
    }

    /**
     * The ensemble as a list of {@code host:port}, e.g. the values of {@code --registry_address};
     * blank entries are ignored.
     *
     * @throws IllegalArgumentException when no entry is left
     */
    public Builder addresses(List<String> addresses) {
      List<String> kept = new ArrayList<>();
      for (String a : addresses) {
        if (a != null && !a.isBlank()) {
          kept.add(a.strip());
        }
      }
      if (kept.isEmpty()) {
        throw new IllegalArgumentException(
            "addresses: " + addresses + " (expected: at least one host:port)");
      }
      return connectString(String.join(",", kept));
    }

    /**
     * How long the ensemble keeps the session (and so our ephemeral nodes) of a client it no longer
     * hears from; default 15 s. The server bounds it (by default to 2 to 20 ticks, 4 s to 40 s).
     *
     * @throws IllegalArgumentException when not positive
     */
    public Builder sessionTimeout(Duration timeout) {
      this.sessionTimeout = positive("sessionTimeout", timeout);
      return this;
    }

    /**
     * How long to wait for a connection: at start (then the build fails) and per attempt of an
     * operation while disconnected; default 5 s.
     *
     * @throws IllegalArgumentException when not positive
     */
    public Builder connectionTimeout(Duration timeout) {
      this.connectionTimeout = positive("connectionTimeout", timeout);
      return this;
    }

    /**
     * The znode under which services are stored; default {@code /micro-registry}, where go-micro
     * looks.
     *
     * @throws IllegalArgumentException when not an absolute path without a trailing slash
     */
    public Builder rootPath(String rootPath) {
      new ZnodePaths(rootPath);
      this.rootPath = rootPath;
      return this;
    }

    /** How Curator retries an operation that failed for lack of a connection; default 3 retries with exponential backoff from 200 ms. */
    public Builder retryPolicy(RetryPolicy policy) {
      this.retryPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * How often expired records are looked for and deleted; default 1 s.
     *
     * @throws IllegalArgumentException when not positive
     */
    public Builder sweepInterval(Duration interval) {
      this.sweepInterval = positive("sweepInterval", interval);
      return this;
    }

    /**
     * Connects and returns the registry, creating the root znode if needed.
     *
     * @throws MicroException (503) naming the connect string when no connection is made within the
     *     connection timeout
     */
    public ZookeeperRegistry build() {
      return new ZookeeperRegistry(this);
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
