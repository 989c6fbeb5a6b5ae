package io.micro.plugins.registry.consul;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.micro.registry.Node;
import io.micro.registry.Service;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code PUT /v1/agent/service/register} for one node, with the fields and omissions of
 * go-micro's registration (Consul's Go API client {@code AgentServiceRegistration}): {@code ID},
 * {@code Name}, {@code Tags}, {@code Port}, {@code Address}, {@code Meta}, {@code Check}.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({"ID", "Name", "Tags", "Port", "Address", "Meta", "Check"})
record Registration(
    @JsonProperty("ID") String id,
    @JsonProperty("Name") String name,
    @JsonProperty("Tags") List<String> tags,
    @JsonProperty("Port") @Nullable Integer port,
    @JsonProperty("Address") String address,
    @JsonProperty("Meta") Map<String, String> meta,
    @JsonProperty("Check") @Nullable Check check) {

  /** Consul's rules for service meta keys (structs.ValidateMetadata). */
  private static final Pattern META_KEY = Pattern.compile("[A-Za-z0-9_-]{1,128}");

  private static final int META_MAX_PAIRS = 64;
  private static final int META_MAX_VALUE = 512;
  /** Consul raises shorter DeregisterCriticalServiceAfter values to one minute; go-micro adds 5 s. */
  private static final Duration DEREGISTER_MINIMUM = Duration.ofMinutes(1);

  private static final Duration DEREGISTER_SPLAY = Duration.ofSeconds(5);

  /** A TTL check: {@code TTL} and {@code DeregisterCriticalServiceAfter} as Go durations. */
  @JsonPropertyOrder({"TTL", "DeregisterCriticalServiceAfter"})
  record Check(
      @JsonProperty("TTL") String ttl,
      @JsonProperty("DeregisterCriticalServiceAfter") String deregisterCriticalServiceAfter) {}

  /**
   * The registration of {@code node} of {@code service}: tags encode the version, endpoints and
   * node metadata; {@code Meta} carries the node metadata Consul accepts as service meta (entries
   * Consul would reject, which go-micro would send and fail on, stay in the tags only); a TTL check
   * when {@code ttl} is positive.
   */
  static Registration of(Service service, Node node, Duration ttl) {
    HostPort hp = HostPort.split(node.address());
    return new Registration(
        node.id(),
        service.name(),
        Tags.encode(service.version(), service.endpoints(), node.metadata()),
        hp.port() == 0 ? null : hp.port(),
        hp.host(),
        consulMeta(node.metadata()),
        ttl.isZero() ? null : new Check(GoDuration.format(ttl), GoDuration.format(deregisterAfter(ttl))));
  }

  /** go-micro's {@code getDeregisterTTL}: TTL + 5 s, and at least 1 m 5 s. */
  static Duration deregisterAfter(Duration ttl) {
    return (ttl.compareTo(DEREGISTER_MINIMUM) < 0 ? DEREGISTER_MINIMUM : ttl).plus(DEREGISTER_SPLAY);
  }

  private static Map<String, String> consulMeta(Map<String, String> metadata) {
    Map<String, String> meta = new TreeMap<>();
    for (Map.Entry<String, String> e : new TreeMap<>(metadata).entrySet()) {
      if (meta.size() == META_MAX_PAIRS) {
        break;
      }
      String key = e.getKey();
      if (META_KEY.matcher(key).matches()
          && !key.startsWith("consul-")
          && e.getValue().length() <= META_MAX_VALUE) {
        meta.put(key, e.getValue());
      }
    }
    return meta;
  }
}
