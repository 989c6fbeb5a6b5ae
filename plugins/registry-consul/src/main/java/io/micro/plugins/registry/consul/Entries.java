package io.micro.plugins.registry.consul;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micro.registry.Endpoint;
import io.micro.registry.Node;
import io.micro.registry.Service;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns Consul's answers into registry records, as go-micro's {@code GetService} does: entries of
 * {@code /v1/health/service/<name>} grouped by the version in their tags; a node with any
 * {@code critical} check is left out; the service address, or the Consul node's address when it is
 * empty, joined with the port. Unreadable tags are skipped with one warning per service id.
 *
 * <p>Thread-safe.
 */
final class Entries {
  private static final Logger LOG = LoggerFactory.getLogger(Entries.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Ids already warned about; cleared when it grows this large, so it stays bounded. */
  private static final int MAX_WARNED = 10_000;

  private final Set<String> warned = ConcurrentHashMap.newKeySet();

  /**
   * The versions of {@code name} in a health answer, sorted by version, nodes sorted by id;
   * versions without a usable node are left out.
   *
   * @throws IllegalArgumentException when the body is not the JSON array Consul sends
   */
  List<Service> services(String name, byte[] body) {
    JsonNode root = parse(body);
    if (!root.isArray()) {
      throw new IllegalArgumentException("health answer: " + root.getNodeType() + " (expected: a JSON array)");
    }
    Map<String, Service> byVersion = new TreeMap<>();
    Map<String, List<Node>> nodes = new LinkedHashMap<>();
    for (JsonNode entry : root) {
      JsonNode svc = entry.path("Service");
      if (!name.equals(svc.path("Service").asText())) {
        continue;
      }
      String id = svc.path("ID").asText();
      if (critical(entry.path("Checks"))) {
        continue;
      }
      List<String> tags = new ArrayList<>();
      for (JsonNode t : svc.path("Tags")) {
        tags.add(t.asText());
      }
      Tags.Decoded d = Tags.decode(tags);
      if (!d.problems().isEmpty() && (warned.size() < MAX_WARNED || clearWarned()) && warned.add(id)) {
        LOG.warn("consul service id {} (service {}): skipped unreadable tags: {}", id, name,
            String.join("; ", d.problems()));
      }
      Map<String, String> metadata = d.metadata();
      if (!d.hasMetadata() && svc.path("Meta").isObject()) {
        metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> m : (Iterable<Map.Entry<String, JsonNode>>) svc.path("Meta")::fields) {
          metadata.put(m.getKey(), m.getValue().asText());
        }
      }
      String address = svc.path("Address").asText("");
      if (address.isEmpty()) {
        address = entry.path("Node").path("Address").asText("");
      }
      String version = d.version();
      List<Endpoint> endpoints = d.endpoints();
      byVersion.computeIfAbsent(version, v -> new Service(name, v, Map.of(), endpoints, List.of()));
      nodes.computeIfAbsent(version, v -> new ArrayList<>())
          .add(new Node(id, HostPort.join(address, svc.path("Port").asInt(0)), metadata));
    }
    List<Service> out = new ArrayList<>(byVersion.size());
    for (Service s : byVersion.values()) {
      List<Node> list = nodes.get(s.version());
      list.sort(Comparator.comparing(Node::id));
      out.add(s.withNodes(list));
    }
    return List.copyOf(out);
  }

  /** The service names of a {@code /v1/catalog/services} answer. */
  static List<String> names(byte[] body) {
    JsonNode root = parse(body);
    if (!root.isObject()) {
      throw new IllegalArgumentException("catalog answer: " + root.getNodeType() + " (expected: a JSON object)");
    }
    List<String> names = new ArrayList<>();
    root.fieldNames().forEachRemaining(names::add);
    names.sort(null);
    return names;
  }

  private boolean clearWarned() {
    warned.clear();
    return true;
  }

  private static boolean critical(JsonNode checks) {
    for (JsonNode c : checks) {
      if ("critical".equals(c.path("Status").asText())) {
        return true;
      }
    }
    return false;
  }

  private static JsonNode parse(byte[] body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new IllegalArgumentException("consul answer is not JSON: " + e.getMessage(), e);
    }
  }
}
