package io.micro.toolkit.cli;

import io.micro.registry.Service;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code micro get service NAME}: every version of a service with its nodes (id, address,
 * metadata), then its endpoints with their request and response schemas.
 */
@Command(name = "get", description = "Get an item from the registry.",
    subcommands = GetCommand.ServiceCommand.class, mixinStandardHelpOptions = true)
public final class GetCommand implements Runnable {
  @Spec CommandSpec spec;

  /** Prints the usage: {@code get} needs what to get. */
  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  @Command(name = "service", description = "Get a service: its versions, nodes and endpoints.")
  static final class ServiceCommand extends CliCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "the service, e.g. go.micro.srv.greeter")
    String name = "";

    @Override
    public Integer call() {
      List<Service> versions = backend().getService(name);
      if (versions.isEmpty()) {
        return notFound(name);
      }
      out().println(json() ? Json.compact(versions) : Describe.service(versions));
      out().flush();
      return 0;
    }
  }
}
