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
      Service s = Json.read("service", text, Service.class);
      if (s.name().isBlank()) {
        throw new Json.BadInput("service: no name (expected: {\"name\": \"...\", \"nodes\": [...]})");
      }
      return s;
    }
  }
}
