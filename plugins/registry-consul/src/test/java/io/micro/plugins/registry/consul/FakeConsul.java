package io.micro.plugins.registry.consul;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * <b>A fake Consul agent, not Consul.</b> No Consul server can be installed on our build machines
 * (no Debian package; its release downloads are unreachable), so the plugin is tested against this
 * in-JVM imitation of exactly the HTTP endpoints it uses, written from Consul's documented HTTP API
 * (developer.hashicorp.com/consul/api-docs: agent/service, agent/check, health, catalog, status,
 * features/blocking), on a JDK {@link HttpServer} bound to {@code 127.0.0.1}:
 *
 * <ul>
 *   <li>{@code PUT /v1/agent/service/register} — service definition with one optional TTL check:
 *       {@code ID} defaults to {@code Name}; the check ID is {@code service:<ID>}; a TTL check
 *       starts {@code critical} unless {@code Status} says otherwise; service meta is validated
 *       with Consul's rules (64 pairs, keys {@code [A-Za-z0-9_-]} up to 128 chars and not {@code
 *       consul-}, values up to 512 chars); re-registering keeps the check's state.
 *   <li>{@code PUT /v1/agent/service/deregister/<id>} — 404 for an unknown id.
 *   <li>{@code PUT /v1/agent/check/pass/<check id>[?note=]} — 404 for an unknown check.
 *   <li>{@code GET /v1/health/service/<name>[?passing][&index=&wait=]} — node, service and checks
 *       (the node's {@code serfHealth} too); {@code passing} keeps entries whose checks all pass.
 *   <li>{@code GET /v1/catalog/services[?index=&wait=]} — name to tags, including {@code consul}.
 *   <li>{@code GET /v1/status/leader}.
 * </ul>
 *
 * <p>TTLs are honoured in real time: a check not passed within its TTL turns {@code critical}
 * (output {@code TTL expired}) and its instance drops out of {@code passing}; an instance critical
 * for longer than its {@code DeregisterCriticalServiceAfter} (raised to the {@linkplain
 * Builder#minimumDeregister minimum}, one minute in Consul) is removed by a reaper that runs every
 * {@linkplain Builder#reapInterval reap interval} (30 s in Consul). Both are shortened only when a
 * test asks. Blocking queries follow Consul: every write raises the index, {@code X-Consul-Index}
 * is returned, a query with {@code index} waits until the index of its result passes it or {@code
 * wait} (default 5 m, at most 10 m, plus up to wait/16 jitter) runs out.
 *
 * <p><b>Strict where Consul is</b>: unknown JSON fields are rejected with 400 ({@code Request decode
 * failed: json: unknown field}), as are wrong types; unknown paths get 404, wrong methods 405.
 * <b>Stricter than Consul</b>, so that the plugin cannot lean on anything untested: query parameters
 * that the endpoint does not document are rejected with 400 (Consul ignores them), and documented
 * features this fake does not implement (non-TTL checks, Connect, {@code filter}, {@code tag}, other
 * datacenters...) are rejected with 400 naming them instead of being silently ignored. Writes reach
 * the "catalog" at once; a real agent syncs them within moments.
 *
 * <p>{@link #restart(boolean)} stops listening and starts again on the same port, keeping its
 * services and checks like an agent with a data directory, or losing them like {@code consul agent
 * -dev} (the index then starts low again, so it goes backwards for clients).
 */
final class FakeConsul implements AutoCloseable {
  static final String NODE = "fake-consul-node";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern META_KEY = Pattern.compile("[A-Za-z0-9_-]+");
  private static final long INITIAL_INDEX = 12;
  private static final long RESTART_INDEX = 4;

  private final Object lock = new Object();
  private final String nodeId = UUID.randomUUID().toString();
  private final Duration reapInterval;
  private final Duration minimumDeregister;
  private final @Nullable String requiredToken;
  private final ExecutorService handlers;
  private final ScheduledExecutorService ticker;
  private final List<Recorded> requests = Collections.synchronizedList(new ArrayList<>());

  // guarded by lock
  private long index;
  private long servicesIndex;
  private final Map<String, Instance> services = new LinkedHashMap<>();
  private final Map<String, Long> nameIndex = new HashMap<>();
  private int generation;
  private long lastReap;

  private @Nullable HttpServer server;
  private final int port;

  /** One request as it arrived: method, raw path and query, the token header, the body. */
  record Recorded(String method, String uri, @Nullable String token, String body) {}

  private FakeConsul(Builder b) throws IOException {
    this.reapInterval = b.reapInterval;
    this.minimumDeregister = b.minimumDeregister;
    this.requiredToken = b.token;
    this.handlers = Executors.newCachedThreadPool(daemon("fake-consul-http"));
    this.ticker = Executors.newSingleThreadScheduledExecutor(daemon("fake-consul-ttl"));
    reset(INITIAL_INDEX);
    this.port = listen(0);
    ticker.scheduleWithFixedDelay(this::tick, 50, 50, TimeUnit.MILLISECONDS);
  }

  /** A fake with Consul's timings, listening on a free loopback port. */
  static FakeConsul start() {
    return builder().start();
  }

  static Builder builder() {
    return new Builder();
  }

  /** {@code 127.0.0.1:<port>}. */
  String address() {
    return "127.0.0.1:" + port;
  }

  /** Every request received so far, in order. */
  List<Recorded> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  void clearRequests() {
    requests.clear();
  }

  /** The status of a check ({@code passing}, {@code warning}, {@code critical}), if it exists. */
  Optional<String> checkStatus(String checkId) {
    synchronized (lock) {
      for (Instance i : services.values()) {
        if (i.check != null && i.check.id.equals(checkId)) {
          return Optional.of(i.check.status);
        }
      }
      return Optional.empty();
    }
  }

  /** The ids of the registered service instances. */
  Set<String> serviceIds() {
    synchronized (lock) {
      return Set.copyOf(services.keySet());
    }
  }

  /** Stops listening (clients get connection refused) until {@link #restart(boolean)}. */
  void stop() {
    HttpServer s;
    synchronized (lock) {
      generation++;
      lock.notifyAll();
      s = server;
      server = null;
    }
    if (s != null) {
      s.stop(0);
    }
  }

  /**
   * Stops and starts listening again on the same port.
   *
   * @param keepCatalog keep services and check states (agent with a data dir) or lose them (dev agent)
   */
  void restart(boolean keepCatalog) {
    stop();
    if (!keepCatalog) {
      synchronized (lock) {
        reset(RESTART_INDEX);
      }
    }
    try {
      listen(port);
    } catch (IOException e) {
      throw new UncheckedIOException("fake consul: cannot listen on " + address() + " again", e);
    }
  }

  @Override
  public void close() {
    stop();
    ticker.shutdownNow();
    handlers.shutdownNow();
  }

  // ---------------------------------------------------------------- state

  private static final class Instance {
    String id;
    String name;
    List<String> tags;
    String address;
    int port;
    Map<String, String> meta;
    long createIndex;
    long modifyIndex;
    @Nullable TtlCheck check;

    boolean sameDefinition(Instance o) {
      return name.equals(o.name) && tags.equals(o.tags) && address.equals(o.address)
          && port == o.port && meta.equals(o.meta)
          && (check == null) == (o.check == null)
          && (check == null || check.ttlNanos == o.check.ttlNanos);
    }
  }

  private static final class TtlCheck {
    String id;
    String name;
    String notes;
    String status;
    String output = "";
    long ttlNanos;
    long deregisterNanos;
    long deadline;
    long criticalSince;
    long createIndex;
    long modifyIndex;
  }

  /** Empties the catalog but for the {@code consul} service, with the index at {@code start}. */
  private void reset(long start) {
    services.clear();
    nameIndex.clear();
    index = start;
    Instance consul = new Instance();
    consul.id = "consul";
    consul.name = "consul";
    consul.tags = List.of();
    consul.address = "";
    consul.port = 8300;
    consul.meta = Map.of("raft_version", "3", "serf_protocol_current", "2", "version", "1.x-fake");
    consul.createIndex = start;
    consul.modifyIndex = start;
    services.put("consul", consul);
    servicesIndex = start;
    nameIndex.put("consul", start);
  }

  /** Raises the index for a change of {@code name}; wakes blocked queries. */
  private long bump(String name, boolean servicesTable) {
    index++;
    nameIndex.put(name, index);
    if (servicesTable) {
      servicesIndex = index;
    }
    lock.notifyAll();
    return index;
  }

  private void tick() {
    synchronized (lock) {
      long now = System.nanoTime();
      for (Instance i : services.values()) {
        TtlCheck c = i.check;
        if (c != null && !c.status.equals("critical") && now - c.deadline >= 0) {
          c.status = "critical";
          c.output = "TTL expired";
          c.criticalSince = now;
          c.modifyIndex = bump(i.name, false);
        }
      }
      if (now - lastReap >= reapInterval.toNanos()) {
        lastReap = now;
        for (Iterator<Instance> it = services.values().iterator(); it.hasNext(); ) {
          Instance i = it.next();
          TtlCheck c = i.check;
          if (c != null && c.deregisterNanos > 0 && c.status.equals("critical")
              && now - c.criticalSince >= Math.max(c.deregisterNanos, minimumDeregister.toNanos())) {
            it.remove();
            bump(i.name, true);
          }
        }
      }
    }
  }

  // ---------------------------------------------------------------- HTTP

  private int listen(int wanted) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), wanted), 64);
    s.setExecutor(handlers);
    s.createContext("/", this::handle);
    s.start();
    synchronized (lock) {
      server = s;
    }
    return s.getAddress().getPort();
  }

  /** An answer that ends a request early. */
  private static final class Reply extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;

    Reply(int status, String text) {
      super(text, null, false, false);
      this.status = status;
    }
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] body = readAll(ex.getRequestBody());
      String method = ex.getRequestMethod();
      String rawPath = ex.getRequestURI().getRawPath();
      String rawQuery = ex.getRequestURI().getRawQuery();
      String token = ex.getRequestHeaders().getFirst("X-Consul-Token");
      requests.add(new Recorded(method, rawPath + (rawQuery == null ? "" : "?" + rawQuery), token,
          new String(body, StandardCharsets.UTF_8)));
      Map<String, String> query = query(rawQuery);
      try {
        route(ex, method, rawPath, query, token, body);
      } catch (Reply r) {
        send(ex, r.status, r.getMessage().getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8", -1);
      } catch (RuntimeException bug) {
        send(ex, 500, ("FakeConsul bug: " + bug).getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8", -1);
      }
    } catch (IOException | RuntimeException e) {
      // the client went away (or the fake is restarting); nothing to answer
    }
  }

  private void route(HttpExchange ex, String method, String rawPath, Map<String, String> query,
      @Nullable String token, byte[] body) throws IOException {
    if (rawPath.equals("/v1/status/leader")) {
      allow(method, "GET");
      params(query, Set.of("dc", "token"), Set.of());
      json(ex, "\"127.0.0.1:8300\"", -1);
      return;
    }
    if (rawPath.equals("/v1/agent/service/register")) {
      allow(method, "PUT");
      authorize(token, query);
      params(query, Set.of("replace-existing-checks", "token"), Set.of("ns", "partition"));
      register(body);
      send(ex, 200, new byte[0], null, -1);
      return;
    }
    String id = tail(rawPath, "/v1/agent/service/deregister/");
    if (id != null) {
      allow(method, "PUT");
      authorize(token, query);
      params(query, Set.of("token"), Set.of("ns", "partition"));
      deregister(require(id, "Missing service ID"));
      send(ex, 200, new byte[0], null, -1);
      return;
    }
    String checkId = tail(rawPath, "/v1/agent/check/pass/");
    if (checkId != null) {
      allow(method, "PUT");
      authorize(token, query);
      params(query, Set.of("note", "token"), Set.of("ns", "partition"));
      pass(require(checkId, "Missing check ID"), query.getOrDefault("note", ""));
      send(ex, 200, new byte[0], null, -1);
      return;
    }
    String name = tail(rawPath, "/v1/health/service/");
    if (name != null) {
      allow(method, "GET");
      authorize(token, query);
      params(query, Set.of("dc", "passing", "index", "wait", "stale", "consistent", "token"),
          Set.of("near", "tag", "node-meta", "filter", "peer", "ns", "partition", "cached",
              "merge-central-config", "sampling"));
      String service = require(name, "Missing service name");
      boolean passing = flag(query, "passing");
      blocking(ex, query, () -> nameIndex.getOrDefault(service, servicesIndex), () -> health(service, passing));
      return;
    }
    if (rawPath.equals("/v1/catalog/services")) {
      allow(method, "GET");
      authorize(token, query);
      params(query, Set.of("dc", "index", "wait", "stale", "consistent", "token"),
          Set.of("node-meta", "filter", "ns", "partition", "peer", "cached"));
      blocking(ex, query, () -> servicesIndex, this::catalog);
      return;
    }
    throw new Reply(404, "404 page not found");
  }

  private static void allow(String method, String expected) {
    if (!method.equals(expected)) {
      throw new Reply(405, "method " + method + " not allowed");
    }
  }

  private void authorize(@Nullable String header, Map<String, String> query) {
    if (requiredToken == null) {
      return;
    }
    String token = header != null ? header : query.get("token");
    if (token == null || token.isEmpty()) {
      throw new Reply(403, "Permission denied: anonymous token lacks permission");
    }
    if (!token.equals(requiredToken)) {
      throw new Reply(403, "ACL not found");
    }
  }

  /** Rejects parameters the endpoint does not document, and documented ones this fake lacks. */
  private static void params(Map<String, String> query, Set<String> supported, Set<String> unimplemented) {
    for (String k : query.keySet()) {
      if (unimplemented.contains(k)) {
        throw new Reply(400, "FakeConsul: query parameter '" + k + "' is documented by Consul but not implemented by this fake");
      }
      if (!supported.contains(k)) {
        throw new Reply(400, "FakeConsul (stricter than Consul): unknown query parameter '" + k + "'");
      }
    }
    String dc = query.get("dc");
    if (dc != null && !dc.equals("dc1")) {
      throw new Reply(500, "No path to datacenter");
    }
  }

  private static @Nullable String tail(String rawPath, String prefix) {
    if (!rawPath.startsWith(prefix)) {
      return null;
    }
    return URLDecoder.decode(rawPath.substring(prefix.length()).replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static String require(String value, String missing) {
    if (value.isEmpty()) {
      throw new Reply(400, missing);
    }
    return value;
  }

  /** Consul's boolean query flags: present without a value, or a value Go's ParseBool accepts. */
  private static boolean flag(Map<String, String> query, String name) {
    String v = query.get(name);
    if (v == null) {
      return false;
    }
    switch (v) {
      case "":
      case "1":
      case "t":
      case "T":
      case "true":
      case "TRUE":
      case "True":
        return true;
      case "0":
      case "f":
      case "F":
      case "false":
      case "FALSE":
      case "False":
        return false;
      default:
        throw new Reply(400, "Invalid value for parameter " + name + ": " + v);
    }
  }

  private interface IndexOf {
    long get();
  }

  private interface Render {
    String get();
  }

  /** Answers at once, or — with {@code index} — when the result's index passes it or wait runs out. */
  private void blocking(HttpExchange ex, Map<String, String> query, IndexOf indexOf, Render render)
      throws IOException {
    long want = 0;
    if (query.containsKey("index")) {
      try {
        want = Long.parseUnsignedLong(query.get("index"));
      } catch (NumberFormatException e) {
        throw new Reply(400, "Invalid index");
      }
    }
    Duration wait = Duration.ofMinutes(5);
    if (query.containsKey("wait")) {
      try {
        wait = parseGoDuration(query.get("wait"));
      } catch (IllegalArgumentException e) {
        throw new Reply(400, "Invalid wait time");
      }
      if (wait.compareTo(Duration.ofMinutes(10)) > 0) {
        wait = Duration.ofMinutes(10);
      }
    }
    long jitter = wait.toNanos() / 16 == 0 ? 0 : ThreadLocalRandom.current().nextLong(wait.toNanos() / 16);
    long deadline = System.nanoTime() + wait.toNanos() + jitter;
    String text;
    long at;
    synchronized (lock) {
      int gen = generation;
      try {
        while (want > 0 && indexOf.get() <= want && gen == generation) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            break;
          }
          TimeUnit.NANOSECONDS.timedWait(lock, left);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (gen != generation) {
        return; // stopping: the connection is being closed
      }
      text = render.get();
      at = Math.max(1, indexOf.get());
    }
    json(ex, text, at);
  }

  private String health(String name, boolean passingOnly) {
    ArrayNode out = JSON.createArrayNode();
    for (Instance i : new TreeMap<>(services).values()) {
      if (!i.name.equals(name)) {
        continue;
      }
      if (passingOnly && i.check != null && !i.check.status.equals("passing")) {
        continue;
      }
      ObjectNode entry = out.addObject();
      ObjectNode node = entry.putObject("Node");
      node.put("ID", nodeId);
      node.put("Node", NODE);
      node.put("Address", "127.0.0.1");
      node.put("Datacenter", "dc1");
      node.putObject("TaggedAddresses").put("lan", "127.0.0.1").put("wan", "127.0.0.1");
      node.putObject("Meta").put("consul-network-segment", "");
      node.put("CreateIndex", 5);
      node.put("ModifyIndex", 5);
      ObjectNode svc = entry.putObject("Service");
      svc.put("ID", i.id);
      svc.put("Service", i.name);
      ArrayNode tags = svc.putArray("Tags");
      i.tags.forEach(tags::add);
      svc.put("Address", i.address);
      ObjectNode meta = svc.putObject("Meta");
      new TreeMap<>(i.meta).forEach(meta::put);
      svc.put("Port", i.port);
      svc.putObject("Weights").put("Passing", 1).put("Warning", 1);
      svc.put("EnableTagOverride", false);
      svc.put("CreateIndex", i.createIndex);
      svc.put("ModifyIndex", i.modifyIndex);
      ArrayNode checks = entry.putArray("Checks");
      ObjectNode serf = checks.addObject();
      serf.put("Node", NODE);
      serf.put("CheckID", "serfHealth");
      serf.put("Name", "Serf Health Status");
      serf.put("Status", "passing");
      serf.put("Notes", "");
      serf.put("Output", "Agent alive and reachable");
      serf.put("ServiceID", "");
      serf.put("ServiceName", "");
      serf.putArray("ServiceTags");
      serf.put("Type", "");
      serf.put("CreateIndex", 5);
      serf.put("ModifyIndex", 5);
      TtlCheck c = i.check;
      if (c != null) {
        ObjectNode check = checks.addObject();
        check.put("Node", NODE);
        check.put("CheckID", c.id);
        check.put("Name", c.name);
        check.put("Status", c.status);
        check.put("Notes", c.notes);
        check.put("Output", c.output);
        check.put("ServiceID", i.id);
        check.put("ServiceName", i.name);
        ArrayNode st = check.putArray("ServiceTags");
        i.tags.forEach(st::add);
        check.put("Type", "ttl");
        check.put("CreateIndex", c.createIndex);
        check.put("ModifyIndex", c.modifyIndex);
      }
    }
    return out.toString();
  }

  private String catalog() {
    Map<String, Set<String>> names = new TreeMap<>();
    for (Instance i : services.values()) {
      names.computeIfAbsent(i.name, k -> new TreeSet<>()).addAll(i.tags);
    }
    ObjectNode out = JSON.createObjectNode();
    names.forEach((k, v) -> {
      ArrayNode tags = out.putArray(k);
      v.forEach(tags::add);
    });
    return out.toString();
  }

  // ---------------------------------------------------------------- writes

  private static final Map<String, String> SERVICE_FIELDS = canonical(
      "ID", "Name", "Tags", "Port", "Address", "Meta", "Check", "Checks", "EnableTagOverride", "Weights");
  private static final Map<String, String> SERVICE_UNIMPLEMENTED = canonical(
      "Kind", "Proxy", "Connect", "SocketPath", "TaggedAddresses", "Namespace", "Partition", "Locality");
  private static final Map<String, String> CHECK_FIELDS = canonical(
      "CheckID", "Name", "Notes", "Status", "TTL", "DeregisterCriticalServiceAfter");
  private static final Map<String, String> CHECK_UNIMPLEMENTED = canonical(
      "ScriptArgs", "Args", "HTTP", "Header", "Method", "Body", "TCP", "UDP", "Interval", "Timeout",
      "GRPC", "GRPCUseTLS", "TLSServerName", "TLSSkipVerify", "DockerContainerID", "Shell", "H2PING",
      "H2PingUseTLS", "AliasNode", "AliasService", "OSService", "SuccessBeforePassing",
      "FailuresBeforeWarning", "FailuresBeforeCritical", "OutputMaxSize", "ServiceID", "ID");

  /** Go's encoding/json matches field names case-insensitively; keys here are lower case. */
  private static Map<String, String> canonical(String... names) {
    Map<String, String> m = new HashMap<>();
    for (String n : names) {
      m.put(n.toLowerCase(Locale.ROOT), n);
    }
    return m;
  }

  /** The object's fields by canonical name; unknown fields are a 400 as in Consul's decoder. */
  private static Map<String, JsonNode> fields(JsonNode obj, Map<String, String> known, Map<String, String> unimplemented, String what) {
    if (!obj.isObject()) {
      throw new Reply(400, "Request decode failed: json: cannot unmarshal " + obj.getNodeType().toString().toLowerCase(Locale.ROOT) + " into Go value of type " + what);
    }
    Map<String, JsonNode> out = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      String key = f.getKey().toLowerCase(Locale.ROOT);
      String name = known.get(key);
      if (name == null) {
        String unimpl = unimplemented.get(key);
        if (unimpl != null) {
          if (f.getValue().isNull() || (f.getValue().isContainerNode() && f.getValue().isEmpty())
              || (f.getValue().isTextual() && f.getValue().asText().isEmpty())
              || (f.getValue().isBoolean() && !f.getValue().asBoolean())
              || (f.getValue().isNumber() && f.getValue().asLong() == 0)) {
            continue;
          }
          throw new Reply(400, "FakeConsul: field " + what + "." + unimpl + " is valid for Consul but not implemented by this fake");
        }
        throw new Reply(400, "Request decode failed: json: unknown field \"" + f.getKey() + "\"");
      }
      out.put(name, f.getValue());
    }
    return out;
  }

  private static String string(Map<String, JsonNode> f, String name) {
    JsonNode n = f.get(name);
    if (n == null || n.isNull()) {
      return "";
    }
    if (!n.isTextual()) {
      throw new Reply(400, "Request decode failed: json: cannot unmarshal " + n.getNodeType().toString().toLowerCase(Locale.ROOT) + " into Go struct field ." + name + " of type string");
    }
    return n.asText();
  }

  private void register(byte[] body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      throw new Reply(400, "Request decode failed: " + e.getMessage());
    }
    if (root == null || root.isMissingNode()) {
      throw new Reply(400, "Request decode failed: EOF");
    }
    Map<String, JsonNode> f = fields(root, SERVICE_FIELDS, SERVICE_UNIMPLEMENTED, "ServiceDefinition");
    Instance i = new Instance();
    i.name = string(f, "Name");
    if (i.name.isEmpty()) {
      throw new Reply(400, "Missing service name");
    }
    i.id = string(f, "ID").isEmpty() ? i.name : string(f, "ID");
    i.address = string(f, "Address");
    JsonNode port = f.get("Port");
    if (port != null && !port.isNull() && !port.canConvertToInt()) {
      throw new Reply(400, "Request decode failed: json: cannot unmarshal " + port.getNodeType().toString().toLowerCase(Locale.ROOT) + " into Go struct field .Port of type int");
    }
    i.port = port == null ? 0 : port.asInt();
    i.tags = new ArrayList<>();
    JsonNode tags = f.get("Tags");
    if (tags != null && !tags.isNull()) {
      if (!tags.isArray()) {
        throw new Reply(400, "Request decode failed: json: cannot unmarshal into Go struct field .Tags of type []string");
      }
      for (JsonNode t : tags) {
        if (!t.isTextual()) {
          throw new Reply(400, "Request decode failed: json: cannot unmarshal into Go struct field .Tags of type string");
        }
        i.tags.add(t.asText());
      }
    }
    i.meta = new LinkedHashMap<>();
    JsonNode meta = f.get("Meta");
    if (meta != null && !meta.isNull()) {
      if (!meta.isObject()) {
        throw new Reply(400, "Request decode failed: json: cannot unmarshal into Go struct field .Meta of type map[string]string");
      }
      meta.fields().forEachRemaining(e -> {
        if (!e.getValue().isTextual()) {
          throw new Reply(400, "Request decode failed: json: cannot unmarshal into Go struct field .Meta of type string");
        }
        i.meta.put(e.getKey(), e.getValue().asText());
      });
      validateMeta(i.meta);
    }
    JsonNode checks = f.get("Checks");
    if (checks != null && !checks.isNull() && !(checks.isArray() && checks.isEmpty())) {
      throw new Reply(400, "FakeConsul: field ServiceDefinition.Checks (more than one check) is valid for Consul but not implemented by this fake");
    }
    JsonNode check = f.get("Check");
    long now = System.nanoTime();
    if (check != null && !check.isNull()) {
      Map<String, JsonNode> cf = fields(check, CHECK_FIELDS, CHECK_UNIMPLEMENTED, "CheckType");
      TtlCheck c = new TtlCheck();
      c.id = string(cf, "CheckID").isEmpty() ? "service:" + i.id : string(cf, "CheckID");
      c.name = string(cf, "Name").isEmpty() ? "Service '" + i.name + "' check" : string(cf, "Name");
      c.notes = string(cf, "Notes");
      String ttl = string(cf, "TTL");
      if (ttl.isEmpty()) {
        throw new Reply(400, "Invalid check: TTL must be > 0 for TTL checks (FakeConsul implements TTL checks only)");
      }
      c.ttlNanos = durationField(ttl, "TTL").toNanos();
      if (c.ttlNanos <= 0) {
        throw new Reply(400, "Invalid check: TTL must be > 0 for TTL checks");
      }
      String dereg = string(cf, "DeregisterCriticalServiceAfter");
      c.deregisterNanos = dereg.isEmpty() ? 0 : durationField(dereg, "DeregisterCriticalServiceAfter").toNanos();
      String status = string(cf, "Status");
      if (!status.isEmpty() && !Set.of("passing", "warning", "critical").contains(status)) {
        throw new Reply(400, "Status for checks must 'passing', 'warning', 'critical'");
      }
      c.status = status.isEmpty() ? "critical" : status;
      c.deadline = now + c.ttlNanos;
      c.criticalSince = now;
      i.check = c;
    }
    synchronized (lock) {
      Instance old = services.get(i.id);
      if (old != null && old.check != null && i.check != null && old.check.id.equals(i.check.id)) {
        // the agent restores a known check's state rather than starting it over
        i.check.status = old.check.status;
        i.check.output = old.check.output;
        i.check.deadline = old.check.deadline;
        i.check.criticalSince = old.check.criticalSince;
        i.check.createIndex = old.check.createIndex;
        i.check.modifyIndex = old.check.modifyIndex;
      }
      if (old != null && old.sameDefinition(i)) {
        i.createIndex = old.createIndex;
        i.modifyIndex = old.modifyIndex;
        services.put(i.id, i);
        return;
      }
      long at = bump(i.name, true);
      if (old != null && !old.name.equals(i.name)) {
        bump(old.name, true);
      }
      i.createIndex = old == null ? at : old.createIndex;
      i.modifyIndex = at;
      if (i.check != null && i.check.createIndex == 0) {
        i.check.createIndex = at;
        i.check.modifyIndex = at;
      }
      services.put(i.id, i);
    }
  }

  private static void validateMeta(Map<String, String> meta) {
    if (meta.size() > 64) {
      throw new Reply(400, "Invalid Service Meta: Node metadata cannot contain more than 64 key/value pairs");
    }
    for (Map.Entry<String, String> e : meta.entrySet()) {
      String k = e.getKey();
      if (k.isEmpty()) {
        throw new Reply(400, "Invalid Service Meta: Key cannot be blank");
      }
      if (k.length() > 128) {
        throw new Reply(400, "Invalid Service Meta: Key is too long (limit: 128 characters)");
      }
      if (k.startsWith("consul-")) {
        throw new Reply(400, "Invalid Service Meta: Key prefix 'consul-' is reserved for internal use");
      }
      if (!META_KEY.matcher(k).matches()) {
        throw new Reply(400, "Invalid Service Meta: Key contains invalid characters");
      }
      if (e.getValue().length() > 512) {
        throw new Reply(400, "Invalid Service Meta: Value is too long (limit: 512 characters)");
      }
    }
  }

  private static Duration durationField(String text, String field) {
    try {
      return parseGoDuration(text);
    } catch (IllegalArgumentException e) {
      throw new Reply(400, "Request decode failed: " + field + ": time: invalid duration \"" + text + "\"");
    }
  }

  private void deregister(String id) {
    synchronized (lock) {
      Instance i = services.remove(id);
      if (i == null) {
        throw new Reply(404, "Unknown service ID \"" + id + "\". Ensure that the service ID is passed, not the service name.");
      }
      bump(i.name, true);
    }
  }

  private void pass(String checkId, String note) {
    synchronized (lock) {
      for (Instance i : services.values()) {
        TtlCheck c = i.check;
        if (c != null && c.id.equals(checkId)) {
          c.deadline = System.nanoTime() + c.ttlNanos;
          if (!c.status.equals("passing") || !c.output.equals(note)) {
            c.status = "passing";
            c.output = note;
            c.modifyIndex = bump(i.name, false);
          }
          return;
        }
      }
    }
    throw new Reply(404, "Unknown check ID \"" + checkId + "\". Ensure that the check ID is passed, not the check name.");
  }

  // ---------------------------------------------------------------- helpers

  private static Map<String, String> query(@Nullable String raw) {
    Map<String, String> q = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return q;
    }
    for (String part : raw.split("&")) {
      if (part.isEmpty()) {
        continue;
      }
      int eq = part.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
      q.putIfAbsent(k, v);
    }
    return q;
  }

  private static void json(HttpExchange ex, String text, long index) throws IOException {
    send(ex, 200, text.getBytes(StandardCharsets.UTF_8), "application/json", index);
  }

  private static void send(HttpExchange ex, int status, byte[] body, @Nullable String type, long index)
      throws IOException {
    if (type != null) {
      ex.getResponseHeaders().set("Content-Type", type);
    }
    if (index >= 0) {
      ex.getResponseHeaders().set("X-Consul-Index", Long.toString(index));
      ex.getResponseHeaders().set("X-Consul-Knownleader", "true");
      ex.getResponseHeaders().set("X-Consul-Lastcontact", "0");
    }
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    return in.readAllBytes();
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  private static final Pattern GO_DURATION_PART = Pattern.compile("(\\d*)(?:\\.(\\d*))?(ns|us|\u00b5s|\u03bcs|ms|s|m|h)");

  /** Go's {@code time.ParseDuration} (non-negative values, as Consul's fields need). */
  static Duration parseGoDuration(String text) {
    if (text.equals("0")) {
      return Duration.ZERO;
    }
    if (text.isEmpty()) {
      throw new IllegalArgumentException("empty duration");
    }
    Matcher m = GO_DURATION_PART.matcher(text);
    int at = 0;
    java.math.BigDecimal nanos = java.math.BigDecimal.ZERO;
    while (at < text.length()) {
      if (!m.find(at) || m.start() != at || (m.group(1).isEmpty() && (m.group(2) == null || m.group(2).isEmpty()))) {
        throw new IllegalArgumentException("invalid duration " + text);
      }
      String number = (m.group(1).isEmpty() ? "0" : m.group(1)) + (m.group(2) == null || m.group(2).isEmpty() ? "" : "." + m.group(2));
      long unit = switch (m.group(3)) {
        case "ns" -> 1L;
        case "us", "\u00b5s", "\u03bcs" -> 1_000L;
        case "ms" -> 1_000_000L;
        case "s" -> 1_000_000_000L;
        case "m" -> 60_000_000_000L;
        default -> 3_600_000_000_000L;
      };
      nanos = nanos.add(new java.math.BigDecimal(number).multiply(java.math.BigDecimal.valueOf(unit)));
      at = m.end();
    }
    return Duration.ofNanos(nanos.longValueExact());
  }

  /** Options of a {@link FakeConsul}. */
  static final class Builder {
    private Duration reapInterval = Duration.ofSeconds(30);
    private Duration minimumDeregister = Duration.ofMinutes(1);
    private @Nullable String token;

    /** How often critical services are reaped (Consul: 30 s). */
    Builder reapInterval(Duration d) {
      this.reapInterval = d;
      return this;
    }

    /** The floor of {@code DeregisterCriticalServiceAfter} (Consul: 1 minute). */
    Builder minimumDeregister(Duration d) {
      this.minimumDeregister = d;
      return this;
    }

    /** Requires this ACL token ({@code X-Consul-Token} or {@code ?token=}) on agent, health and catalog calls. */
    Builder requireToken(String aclToken) {
      this.token = aclToken;
      return this;
    }

    FakeConsul start() {
      try {
        return new FakeConsul(this);
      } catch (IOException e) {
        throw new UncheckedIOException("fake consul: cannot listen on 127.0.0.1", e);
      }
    }
  }
}
