package io.micro.toolkit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.micro.errors.MicroException;
import io.micro.registry.Node;
import java.nio.charset.StandardCharsets;
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
    return perNode(name, "node\t\taddress:port\t\tstatus", (backend, n, row, lines) -> {
      String status = status(backend, n);
      lines.add(n.id() + "\t\t" + n.address() + "\t\t" + status);
      row.put("status", status);
      return status.equals("ok");
    });
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
