package io.micro.toolkit;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code micro} command: the root of the toolkit's subcommands (CLI, {@code sidecar},
 * {@code api}, {@code web}, {@code demo}). {@code bin/micro} runs {@link #main(String[])}.
 *
 * <p>Each subcommand lives in its own package ({@code io.micro.toolkit.cli}, {@code .sidecar},
 * {@code .api}, {@code .web}) and is listed in {@link #SUBCOMMANDS}.
 */
@Command(
    name = "micro",
    mixinStandardHelpOptions = true,
    versionProvider = Micro.Version.class,
    description = "A microservice toolkit: CLI, sidecar, API gateway and web dashboard.")
public final class Micro implements Runnable {

  /** The subcommands, in the order of the usage message. */
  static final Class<?>[] SUBCOMMANDS = {};

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Prints the usage: {@code micro} alone does nothing else. */
  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The command line of {@code micro}, with every subcommand. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Micro());
    for (Class<?> sub : SUBCOMMANDS) {
      cl.addSubcommand(sub);
    }
    return cl;
  }

  /** Runs the command and exits with its status. */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The project version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Micro.class.getPackage().getImplementationVersion();
      return new String[] {"micro " + (v == null ? "dev" : v)};
    }
  }
}
