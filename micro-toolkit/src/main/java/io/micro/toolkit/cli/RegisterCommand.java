package io.micro.toolkit.cli;

import io.micro.registry.Service;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code micro register service JSON}: registers a service given as go-micro's registry JSON. */
@Command(name = "register", description = "Register an item in the registry.",
    subcommands = RegisterCommand.ServiceCommand.class, mixinStandardHelpOptions = true)
public final class RegisterCommand implements Runnable {
  @Spec CommandSpec spec;

  /** Prints the usage: {@code register} needs what to register. */
  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  @Command(name = "service", description = {
      "Register a service, e.g.",
      "  micro register service '{\"name\":\"foo\",\"nodes\":[{\"id\":\"foo-1\",\"address\":\"127.0.0.1:9090\"}]}'"})
  static final class ServiceCommand extends CliCommand {
    @Parameters(paramLabel = "JSON", arity = "0..*",
        description = "the service as registry JSON; read from stdin when omitted or '-'")
    List<String> json = new ArrayList<>();

    @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "0s",
        description = "expire the registration after this long unless registered again (0s: never)")
    String ttl = "0s";

    @Override
    public Integer call() {
      Service service = ServiceJson.read(jsonArgument(json));
      backend().register(service, Durations.parse("ttl", ttl));
      return ok();
    }
  }

  /** Reads and checks service JSON for register and deregister. */
  static final class ServiceJson {
    private ServiceJson() {}

    static Service read(String text) {
      com.fasterxml.jackson.databind.JsonNode tree = Json.read("service", text);
      joinLegacyPorts(tree);
      Service s;
      try {
        s = Json.MAPPER.treeToValue(tree, Service.class);
      } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
        String m = e instanceof com.fasterxml.jackson.core.JsonProcessingException j
            ? j.getOriginalMessage() : e.getMessage();
        throw new Json.BadInput("service: " + (m == null ? "not a service" : m.lines().findFirst().orElse(m))
            + " (expected: {\"name\": \"...\", \"nodes\": [{\"id\": \"...\", \"address\": \"host:port\"}]})");
      }
      if (s.name().isBlank()) {
        throw new Json.BadInput("service: no name (expected: {\"name\": \"...\", \"nodes\": [...]})");
      }
      return s;
    }

    /**
     * go-micro before v2 wrote a node's port apart ({@code "address":"127.0.0.1","port":9091}, as
     * micro's sidecar examples still do): joined into {@code host:port}.
     */
    private static void joinLegacyPorts(com.fasterxml.jackson.databind.JsonNode tree) {
      for (com.fasterxml.jackson.databind.JsonNode n : tree.path("nodes")) {
        if (n instanceof com.fasterxml.jackson.databind.node.ObjectNode node && node.path("port").canConvertToInt()
            && node.path("port").asInt() > 0 && node.path("address").isTextual()) {
          String host = node.path("address").asText();
          if (host.indexOf(':') < 0 || (host.startsWith("[") && host.endsWith("]"))) {
            node.put("address", host + ":" + node.path("port").asInt());
          }
          node.remove("port");
        }
      }
    }
  }
}
