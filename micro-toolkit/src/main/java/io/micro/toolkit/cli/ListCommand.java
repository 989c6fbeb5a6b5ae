package io.micro.toolkit.cli;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code micro list services}: the names of the registered services, sorted, one per line. */
@Command(name = "list", aliases = "ls", description = "List items in the registry.",
    subcommands = ListCommand.Services.class, mixinStandardHelpOptions = true)
public final class ListCommand implements Runnable {
  @Spec CommandSpec spec;

  /** Prints the usage: {@code list} needs what to list. */
  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  @Command(name = "services", description = "List the registered services.")
  static final class Services extends CliCommand {
    @Override
    public Integer call() {
      List<String> names = backend().listServices();
      if (json()) {
        out().println(Json.compact(names));
      } else {
        names.forEach(out()::println);
      }
      out().flush();
      return 0;
    }
  }
}
