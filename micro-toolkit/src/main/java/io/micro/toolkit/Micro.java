package io.micro.toolkit;

import io.micro.errors.MicroException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The {@code micro} command: the root of the toolkit's subcommands (CLI, {@code sidecar},
 * {@code api}, {@code web}, {@code demo}). {@code bin/micro} runs {@link #main(String[])}.
 *
 * <p>Each subcommand lives in its own package ({@code io.micro.toolkit.cli}, {@code .sidecar},
 * {@code .api}, {@code .web}) and is listed in {@link #SUBCOMMANDS}. The global flags ({@link
 * GlobalOptions}) are declared here once and inherited by every subcommand; a subcommand gets the
 * registry, client and broker they describe from {@link #toolkit(CommandSpec)}:
 *
 * <pre>{@code
 * @Command(name = "sidecar", description = "...")
 * public final class Sidecar implements Callable<Integer> {
 *   @Spec CommandSpec spec;
 *   public Integer call() {
 *     Toolkit toolkit = Micro.toolkit(spec);   // lazily built from the flags, closed after call()
 *     ...
 *   }
 * }
 * }</pre>
 *
 * <p>Exit status: 0 on success, 2 for a usage error (unknown command or flag, with the nearest
 * match), 1 when the command fails; a failure prints {@code micro: <message>} on stderr, without a
 * stack trace (set {@code MICRO_DEBUG=1} for one).
 */
@Command(
    name = "micro",
    mixinStandardHelpOptions = true,
    versionProvider = Micro.Version.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = "A microservice toolkit: CLI, sidecar, API gateway and web dashboard.")
public final class Micro implements Runnable {

  /** The subcommands, in the order of the usage message. */
  static final Class<?>[] SUBCOMMANDS = {
    io.micro.toolkit.cli.ListCommand.class,
    io.micro.toolkit.cli.GetCommand.class,
    io.micro.toolkit.cli.RegisterCommand.class,
    io.micro.toolkit.cli.DeregisterCommand.class,
    io.micro.toolkit.cli.CallCommand.class,
    io.micro.toolkit.cli.StreamCommand.class,
    io.micro.toolkit.cli.PublishCommand.class,
    io.micro.toolkit.cli.HealthCommand.class,
    io.micro.toolkit.cli.StatsCommand.class,
    io.micro.toolkit.cli.CompletionCommand.class,
    io.micro.toolkit.sidecar.SidecarCommand.class,
    io.micro.toolkit.api.ApiCommand.class,
    io.micro.toolkit.web.WebCommand.class,
    io.micro.toolkit.demo.DemoCommand.class,
  };

  @CommandLine.Spec CommandSpec spec;

  @Mixin GlobalOptions globals = new GlobalOptions();

  private final Toolkit.Builder base;
  private @Nullable Toolkit toolkit;

  private Micro(Toolkit.Builder base) {
    this.base = base;
  }

  /** Prints the usage: {@code micro} alone does nothing else. */
  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The command line of {@code micro}, with every subcommand, on the process's environment. */
  public static CommandLine commandLine() {
    return commandLine(Toolkit.builder());
  }

  /**
   * The command line of {@code micro} whose toolkit starts from {@code base} (its environment,
   * plugins and given parts; tests pass a registry here), with the flags of the command line
   * added when a subcommand first asks for {@link #toolkit(CommandSpec)}. The toolkit is closed
   * when {@link CommandLine#execute} returns.
   */
  public static CommandLine commandLine(Toolkit.Builder base) {
    return commandLine(base, SUBCOMMANDS);
  }

  private static CommandLine commandLine(Toolkit.Builder base, Class<?>[] subcommands) {
    Micro micro = new Micro(Objects.requireNonNull(base, "base"));
    CommandLine cl = new CommandLine(micro);
    for (Class<?> sub : subcommands) {
      cl.addSubcommand(sub);
    }
    withVersion(cl);
    CommandLine.IExecutionStrategy run = new CommandLine.RunLast();
    cl.setExecutionStrategy(parsed -> {
      try {
        return run.execute(parsed);
      } finally {
        micro.closeToolkit();
      }
    });
    cl.setParameterExceptionHandler((e, args) -> {
      CommandLine line = e.getCommandLine();
      java.io.PrintWriter err = line.getErr();
      err.println("micro: " + e.getMessage());
      CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
      err.println();
      line.usage(err);
      return line.getCommandSpec().exitCodeOnInvalidInput();
    });
    cl.setExecutionExceptionHandler((e, line, parsed) -> {
      line.getErr().println("micro: " + message(e));
      if (System.getenv("MICRO_DEBUG") != null) {
        e.printStackTrace(line.getErr());
      }
      return 1;
    });
    return cl;
  }

  /**
   * The toolkit of the {@code micro} command that {@code spec} belongs to (any subcommand, at any
   * depth), built from the global flags on first use and closed when the command returns.
   *
   * @throws IllegalArgumentException naming a flag or variable that is invalid
   * @throws IllegalStateException when {@code spec} is not part of a {@code micro} command line
   */
  public static Toolkit toolkit(CommandSpec spec) {
    Object root = spec.root().userObject();
    if (!(root instanceof Micro micro)) {
      throw new IllegalStateException("not a micro command: " + spec.qualifiedName());
    }
    return micro.toolkit();
  }

  private synchronized Toolkit toolkit() {
    if (toolkit == null) {
      toolkit = base.flags(globals).build();
    }
    return toolkit;
  }

  private synchronized void closeToolkit() {
    if (toolkit != null) {
      toolkit.close();
      toolkit = null;
    }
  }

  /** {@code micro call -V} prints the version too. */
  private static void withVersion(CommandLine cl) {
    cl.getCommandSpec().versionProvider(new Version());
    cl.getSubcommands().values().forEach(Micro::withVersion);
  }

  private static String message(Throwable e) {
    if (e instanceof MicroException me) {
      return me.getMessage();
    }
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.toString() : m;
  }

  /**
   * Runs the command and exits with its status. Logging is at {@code warn} unless {@code
   * MICRO_LOG_LEVEL} says otherwise ({@code info}, {@code debug}, ...).
   */
  public static void main(String[] args) {
    String level = System.getenv("MICRO_LOG_LEVEL");
    if (level != null && !level.isBlank()) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level.strip());
    }
    System.exit(commandLine(Toolkit.builder(), subcommands(args)).execute(args));
  }

  /**
   * The subcommands {@link #main} declares for {@code args}: only {@code sidecar} when the
   * arguments name it and no other subcommand (the sidecar runs for as long as its app and should
   * not keep the model of every CLI command: picocli reads each command's annotations, which costs
   * classes and heap), else all of them, so that usage errors still list every command.
   */
  static Class<?>[] subcommands(String[] args) {
    boolean sidecar = false;
    for (String arg : args) {
      if (arg.equals("--")) {
        break;
      }
      for (Class<?> sub : SUBCOMMANDS) {
        Command command = sub.getAnnotation(Command.class);
        if (arg.equals(command.name()) || java.util.Arrays.asList(command.aliases()).contains(arg)) {
          if (sub != io.micro.toolkit.sidecar.SidecarCommand.class) {
            return SUBCOMMANDS;
          }
          sidecar = true;
        }
      }
    }
    return sidecar ? new Class<?>[] {io.micro.toolkit.sidecar.SidecarCommand.class} : SUBCOMMANDS;
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
