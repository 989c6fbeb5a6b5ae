package io.micro.toolkit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micro.errors.MicroException;
import io.micro.registry.Node;
import io.micro.registry.Service;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code micro health NAME}: calls {@code Debug.Health} on every node of a service and prints
 * each status ({@code ok}, or the error). Exits with status 1 unless every node is {@code ok}.
 */
@Command(name = "health", mixinStandardHelpOptions = true,
    description = "Check the health of every node of a service (Debug.Health).")
public final class HealthCommand extends CliCommand {
  @Parameters(index = "0", paramLabel = "NAME", description = "the service")
  String name = "";

  @Override
  public Integer call() {
    Backend backend = backend();
    List<Service> versions = backend.getService(name);
    if (versions.isEmpty()) {
      return notFound(name);
    }
    List<String> lines = new ArrayList<>();
    lines.add("service  " + name);
    ArrayNode rows = Json.MAPPER.createArrayNode();
    boolean healthy = true;
    for (Service s : versions) {
      lines.add("\nversion " + s.version());
      lines.add("\nnode\t\taddress:port\t\tstatus");
      for (Node n : s.nodes()) {
        String status = status(backend, n);
        healthy &= status.equals("ok");
        lines.add(n.id() + "\t\t" + n.address() + "\t\t" + status);
        ObjectNode row = rows.addObject();
        row.put("version", s.version());
        row.put("node", n.id());
        row.put("address", n.address());
        row.put("status", status);
      }
    }
    out().println(json() ? Json.compact(rows) : String.join("\n", lines));
    out().flush();
    return healthy ? 0 : 1;
  }

  private String status(Backend backend, Node n) {
    try {
      byte[] rsp = backend.call(name, "Debug.Health", "{}".getBytes(StandardCharsets.UTF_8), Map.of(), n.address());
      JsonNode status = Json.MAPPER.readTree(rsp).path("status");
      return status.isMissingNode() || status.asText().isEmpty() ? "unknown" : status.asText();
    } catch (MicroException e) {
      return e.getMessage();
    } catch (java.io.IOException | RuntimeException e) {
      return String.valueOf(e.getMessage());
    }
  }
}
