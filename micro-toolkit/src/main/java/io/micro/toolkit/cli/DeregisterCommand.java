package io.micro.toolkit.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code micro deregister service JSON}: removes the nodes of a service from the registry. */
@Command(name = "deregister", description = "Deregister an item from the registry.",
    subcommands = DeregisterCommand.ServiceCommand.class, mixinStandardHelpOptions = true)
public final class DeregisterCommand implements Runnable {
  @Spec CommandSpec spec;

  /** Prints the usage: {@code deregister} needs what to deregister. */
  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  @Command(name = "service", description = {
      "Deregister the nodes of a service, e.g.",
      "  micro deregister service '{\"name\":\"foo\",\"nodes\":[{\"id\":\"foo-1\",\"address\":\"127.0.0.1:9090\"}]}'"})
  static final class ServiceCommand extends CliCommand {
    @Parameters(paramLabel = "JSON", arity = "0..*",
        description = "the service as registry JSON; read from stdin when omitted or '-'")
    List<String> json = new ArrayList<>();

    @Override
    public Integer call() {
      backend().deregister(RegisterCommand.ServiceJson.read(jsonArgument(json)));
      return ok();
    }
  }
}
