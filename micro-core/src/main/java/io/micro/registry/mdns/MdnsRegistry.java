package io.micro.registry.mdns;

import io.micro.registry.Endpoint;
import io.micro.registry.Node;
import io.micro.registry.Registry;
import io.micro.registry.Service;
import io.micro.registry.Watcher;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The zero-dependency default registry ({@code mdns}): multicast DNS, interoperable with go-micro's
 * mDNS registry (v4 to v6). Each node is published as {@code <nodeId>.<service>.micro.} with SRV,
 * A/AAAA and TXT records (the TXT holds the service's JSON, zlib-compressed and hex-encoded), under
 * the PTR name {@code <service>.micro.}; every service also gets go-micro's wildcard entry {@code
 * <service>._services.micro.} so that {@link #listServices()} works across languages.
 *
 * <p>Traffic stays on <b>one</b> network interface: the loopback interface unless {@link
 * Builder#networkInterface(String)} names another, so by default nothing leaves the machine and
 * only processes on this host see each other. The sockets on port 5353 are shared (reuse-address),
 * so several processes and several registries of one JVM work side by side; multicast TTL is 1.
 * Multicast runs over IPv4 (224.0.0.251) only; nodes with IPv6 addresses are published as AAAA.
 *
 * <p>TTLs are honoured, unlike go-micro's mDNS registry (which leaves crashed nodes behind):
 *
 * <ul>
 *   <li>{@link #register} announces the nodes at once (new nodes again a second later) with DNS
 *       record TTL = the registration TTL in whole seconds (120, go-micro's, for {@link
 *       Duration#ZERO}), and announces them again on every re-registration. A node not registered
 *       again within its TTL stops being announced and answered (no goodbye; its records expire
 *       everywhere at the same time).
 *   <li>{@link #deregister} and {@link #close()} send goodbyes (TTL 0).
 *   <li>{@link #getService} multicasts a query from an ephemeral port and gathers the answers for
 *       the {@link Builder#timeout(Duration) timeout}, so it blocks for that long; nodes of this
 *       registry are always included. A node that does not answer (crashed) is not returned.
 *   <li>{@link #watch} reports nodes this registry registers, hears announced or answered, their
 *       goodbyes, and the expiry of their records: a node that crashed is reported deleted when
 *       the TTL of its last records runs out (checked four times a second). Watched services whose
 *       records are at 75% of their TTL are queried again, so nodes that announce only once (go-micro
 *       nodes, TTL 120 s) stay while they answer.
 *   <li>Records of others that cannot be read (bad TXT data: not hex, not zlib, not JSON) are
 *       skipped with one warning per record name; they never stop the reader or a watcher.
 * </ul>
 *
 * <p>Thread-safe. {@link #close()} sends the goodbyes, stops the threads and releases the sockets.
 *
 * <pre>{@code
 * try (Registry registry = MdnsRegistry.builder().build()) {   // loopback
 *   registry.register(service, Duration.ofSeconds(60));
 *   List<Service> versions = registry.getService("go.micro.srv.greeter");
 * }
 * }</pre>
 */
public final class MdnsRegistry implements Registry {
  private static final Logger log = LoggerFactory.getLogger(MdnsRegistry.class);
  private static final InetSocketAddress GROUP =
      new InetSocketAddress(ipv4(224, 0, 0, 251), Responder.PORT);

  private final String domain;
  private final String host;
  private final Duration timeout;
  private final NetworkInterface iface;
  private final InetAddress localAddress;
  private final Map<String, Map<String, Instance>> local = new LinkedHashMap<>();
  private final Map<String, Long> deadlines = new HashMap<>();
  private final Sightings sightings = new Sightings();
  private final Malformed malformed = new Malformed();
  private final ScheduledExecutorService announcer;
  private final ExecutorService refresher;
  private final Responder responder;
  private volatile boolean closed;

  /** How often lapsed registrations and expired records are looked for. */
  private static final long TICK_MILLIS = 250;

  private MdnsRegistry(Builder b) {
    this.domain = b.domain;
    this.host = Names.hostLabel(b.hostName == null ? Interfaces.hostName() : b.hostName) + ".";
    this.timeout = b.timeout;
    this.iface = Interfaces.find(b.networkInterface);
    this.localAddress = Interfaces.ipv4(iface);
    warmUp(domain, host);
    this.announcer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "micro-mdns-announcer");
              t.setDaemon(true);
              return t;
            });
    this.refresher =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "micro-mdns-refresher");
              t.setDaemon(true);
              return t;
            });
    try {
      this.responder = new Responder(iface, localAddress, GROUP, new Answers(this)::answer, this::heard);
    } catch (RuntimeException e) {
      announcer.shutdownNow();
      refresher.shutdownNow();
      throw e;
    }
    announcer.scheduleWithFixedDelay(this::maintain, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** A builder with the defaults: loopback interface, domain {@code micro}, timeout 300 ms. */
  public static Builder builder() {
    return new Builder();
  }

  /** A registry on the loopback interface with the default settings. */
  public static MdnsRegistry create() {
    return builder().build();
  }

  /** Returns {@code mdns}. */
  @Override
  public String name() {
    return "mdns";
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException when the service has no node, the TTL is negative, a node
   *     address is not {@code ip:port}, or a name does not fit in DNS labels of 63 bytes
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
    long recordTtl = Instance.recordTtl(ttl);
    List<Instance> instances = new ArrayList<>();
    for (Node node : service.nodes()) {
      instances.add(Instance.of(service, node, domain, host, recordTtl));
    }
    List<Instance> fresh = new ArrayList<>();
    long deadline = ttl.isZero() ? 0 : System.nanoTime() + saturatedNanos(ttl);
    synchronized (local) {
      checkOpen();
      Map<String, Instance> nodes = local.computeIfAbsent(service.name(), k -> new LinkedHashMap<>());
      for (Instance instance : instances) {
        if (!instance.equals(nodes.put(instance.service().nodes().get(0).id(), instance))) {
          fresh.add(instance);
        }
        deadlines.put(key(instance.instanceName()), deadline);
      }
    }
    for (Instance instance : instances) {
      sightings.observe(new Sighting(instance.service(), instance.instanceName(), recordTtl));
      responder.announce(instance.announcement(recordTtl));
    }
    for (Instance instance : fresh) {
      announcer.schedule(() -> reannounce(instance), 1, TimeUnit.SECONDS);
    }
  }

  /** {@inheritDoc} Nodes this registry did not register are ignored. */
  @Override
  public void deregister(Service service) {
    Objects.requireNonNull(service, "service");
    List<Instance> removed = new ArrayList<>();
    synchronized (local) {
      checkOpen();
      Map<String, Instance> nodes = local.get(service.name());
      if (nodes == null) {
        return;
      }
      for (Node node : service.nodes()) {
        Instance instance = nodes.remove(node.id());
        if (instance != null) {
          removed.add(instance);
          deadlines.remove(key(instance.instanceName()));
        }
      }
      if (nodes.isEmpty()) {
        local.remove(service.name());
      }
    }
    goodbye(removed);
  }

  /**
   * {@inheritDoc} Blocks for the lookup {@link Builder#timeout(Duration) timeout}.
   *
   * @throws java.io.UncheckedIOException when the query cannot be sent
   */
  @Override
  public List<Service> getService(String name) {
    Objects.requireNonNull(name, "name");
    checkOpen();
    Map<String, List<Node>> nodes = new LinkedHashMap<>();
    Map<String, List<Endpoint>> endpoints = new LinkedHashMap<>();
    synchronized (local) {
      for (Instance instance : local.getOrDefault(name, Map.of()).values()) {
        add(instance.service(), nodes, endpoints);
      }
    }
    Lookup.query(
        iface,
        localAddress,
        GROUP,
        Names.service(name, domain),
        timeout,
        packet -> {
          for (Sighting s : Sighting.read(packet, domain, malformed)) {
            if (s.service().name().equals(name) && s.ttl() > 0) {
              sightings.observe(s);
              add(s.service(), nodes, endpoints);
            }
          }
        });
    List<Service> out = new ArrayList<>(nodes.size());
    nodes.forEach(
        (version, list) -> out.add(new Service(name, version, Map.of(), endpoints.get(version), list)));
    return List.copyOf(out);
  }

  /**
   * {@inheritDoc} Blocks for the lookup timeout. mDNS lists names only: each entry has an empty
   * version and no nodes, in alphabetical order.
   */
  @Override
  public List<Service> listServices() {
    checkOpen();
    TreeSet<String> names = new TreeSet<>();
    synchronized (local) {
      names.addAll(local.keySet());
    }
    Lookup.query(
        iface,
        localAddress,
        GROUP,
        Names.services(domain),
        timeout,
        packet -> names.addAll(Sighting.serviceNames(packet, domain)));
    List<Service> out = new ArrayList<>(names.size());
    for (String n : names) {
      out.add(Service.of(n, ""));
    }
    return List.copyOf(out);
  }

  /** {@inheritDoc} The caller closes the watcher (closing the registry closes it too). */
  @Override
  public Watcher watch(String service) {
    Objects.requireNonNull(service, "service");
    checkOpen();
    return sightings.watch(service);
  }

  /** Sends goodbyes for every node of this registry, stops its threads, releases its socket. */
  @Override
  public void close() {
    List<Instance> all = new ArrayList<>();
    synchronized (local) {
      if (closed) {
        return;
      }
      closed = true;
      local.values().forEach(m -> all.addAll(m.values()));
      local.clear();
      deadlines.clear();
    }
    announcer.shutdownNow();
    refresher.shutdownNow();
    goodbye(all);
    responder.close();
    sightings.closeWatchers();
  }

  /**
   * Test hook: dies as a crashed process would, without goodbyes. The sockets close, the threads
   * stop, the watchers close; other registries see this one's nodes only until their records
   * expire.
   */
  void crash() {
    synchronized (local) {
      if (closed) {
        return;
      }
      closed = true;
      local.clear();
      deadlines.clear();
    }
    announcer.shutdownNow();
    refresher.shutdownNow();
    responder.close();
    sightings.closeWatchers();
  }

  /** Whether a record named {@code recordName} was skipped as malformed (tests). */
  boolean skippedAsMalformed(String recordName) {
    return malformed.reported(recordName);
  }

  /** Drops lapsed registrations, expires records, and queries watched services due for refresh. */
  private void maintain() {
    try {
      lapse();
      sightings.expire();
      for (String name : sightings.dueForRefresh()) {
        refresher.execute(() -> refresh(name));
      }
    } catch (RuntimeException e) {
      log.warn("mdns: maintenance failed: {}", e.toString());
    }
  }

  /** Stops serving the nodes whose registration was not renewed within its TTL. */
  private void lapse() {
    long now = System.nanoTime();
    synchronized (local) {
      for (Iterator<Map<String, Instance>> services = local.values().iterator(); services.hasNext(); ) {
        Map<String, Instance> nodes = services.next();
        nodes.values().removeIf(instance -> {
          Long deadline = deadlines.get(key(instance.instanceName()));
          boolean lapsed = deadline != null && deadline != 0 && now - deadline >= 0;
          if (lapsed) {
            deadlines.remove(key(instance.instanceName()));
            log.debug("mdns: registration of {} lapsed", instance.instanceName());
          }
          return lapsed;
        });
        if (nodes.isEmpty()) {
          services.remove();
        }
      }
    }
  }

  /** Asks for {@code name} again; the answers refresh (or, missing, let expire) its records. */
  private void refresh(String name) {
    if (closed) {
      return;
    }
    try {
      Lookup.query(iface, localAddress, GROUP, Names.service(name, domain), timeout, this::heard);
    } catch (RuntimeException e) {
      if (!closed) {
        log.debug("mdns: refresh of {} failed: {}", name, e.toString());
      }
    }
  }

  /** Snapshot of this registry's nodes by service name, for answering queries. */
  Map<String, List<Instance>> localInstances() {
    synchronized (local) {
      Map<String, List<Instance>> copy = new LinkedHashMap<>();
      local.forEach((name, nodes) -> copy.put(name, List.copyOf(nodes.values())));
      return copy;
    }
  }

  String domain() {
    return domain;
  }

  String host() {
    return host;
  }

  private void heard(Packet packet) {
    for (Sighting s : Sighting.read(packet, domain, malformed)) {
      sightings.observe(s);
    }
  }

  private void reannounce(Instance instance) {
    boolean current;
    synchronized (local) {
      Map<String, Instance> nodes = local.get(instance.service().name());
      current = nodes != null && instance.equals(nodes.get(instance.service().nodes().get(0).id()));
    }
    if (current) {
      responder.announce(instance.announcement(instance.ttl()));
    }
  }

  private void goodbye(List<Instance> instances) {
    for (Instance instance : instances) {
      responder.announce(instance.announcement(0));
      sightings.goodbye(instance.instanceName());
    }
  }

  private static void add(
      Service service, Map<String, List<Node>> nodes, Map<String, List<Endpoint>> endpoints) {
    List<Node> list = nodes.computeIfAbsent(service.version(), v -> new ArrayList<>());
    Node node = service.nodes().get(0);
    if (list.stream().noneMatch(n -> n.id().equals(node.id()))) {
      list.add(node);
    }
    endpoints.putIfAbsent(service.version(), service.endpoints());
  }

  /** Loads and runs the codecs once, so that the first lookup is not slowed by class loading. */
  private static void warmUp(String domain, String host) {
    Service probe = Service.of("warm.up", "1").withNodes(List.of(Node.of("n", "127.0.0.1:1")));
    Instance instance = Instance.of(probe, probe.nodes().get(0), domain, host, Instance.TTL);
    byte[] bytes = new Packet(0, Packet.QR, List.of(), instance.answer()).encode();
    Sighting.read(Packet.decode(bytes, bytes.length), domain);
  }

  private static String key(String instanceName) {
    return instanceName.toLowerCase(java.util.Locale.ROOT);
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE / 2;
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("mdns registry is closed");
    }
  }

  private static InetAddress ipv4(int a, int b, int c, int d) {
    try {
      return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  /** Options of an {@link MdnsRegistry}; not thread-safe, use once. */
  public static final class Builder {
    private String networkInterface = "";
    private Duration timeout = Duration.ofMillis(300);
    private String domain = "micro";
    private String hostName;

    private Builder() {}

    /**
     * The one interface mDNS joins and sends on, by name ({@code lo}, {@code eth0}) or by one of
     * its addresses ({@code 192.168.1.10}). Default: the loopback interface, so nothing leaves the
     * machine; name a real interface to find services on other hosts.
     */
    public Builder networkInterface(String nameOrAddress) {
      this.networkInterface = Objects.requireNonNull(nameOrAddress, "nameOrAddress").strip();
      return this;
    }

    /**
     * How long {@link #getService} and {@link #listServices} wait for answers (default 300 ms;
     * go-micro waits 100 ms).
     *
     * @throws IllegalArgumentException when not positive
     */
    public Builder timeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * The mDNS domain (default {@code micro}, go-micro's since 2019; 2016-era go-micro used {@code
     * local}).
     */
    public Builder domain(String domain) {
      String d = Objects.requireNonNull(domain, "domain").strip().replaceAll("^\\.+|\\.+$", "");
      if (d.isEmpty()) {
        throw new IllegalArgumentException("domain: '" + domain + "' (expected: a DNS name such as micro)");
      }
      this.domain = d;
      return this;
    }

    /**
     * The host name used as SRV target (default: this host's name, read without any DNS lookup).
     * Clients use the address records sent with it, never resolve it.
     */
    public Builder hostName(String hostName) {
      this.hostName = Objects.requireNonNull(hostName, "hostName");
      return this;
    }

    /**
     * A started registry: its socket is joined and answering.
     *
     * @throws IllegalArgumentException when the interface does not exist, is down or has no IPv4
     *     address
     * @throws java.io.UncheckedIOException when the socket cannot be opened
     */
    public MdnsRegistry build() {
      return new MdnsRegistry(this);
    }
  }
}
