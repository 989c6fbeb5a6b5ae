package io.micro.toolkit.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code micro completion bash|zsh}: prints a completion script for every command and flag.
 * {@code source <(micro completion bash)} in {@code ~/.bashrc}, or {@code source <(micro completion
 * zsh)} in {@code ~/.zshrc}.
 */
@Command(name = "completion", mixinStandardHelpOptions = true,
    description = {"Print a shell completion script, e.g.", "  source <(micro completion bash)"})
public final class CompletionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SHELL", description = "bash or zsh")
  String shell = "";

  @Override
  public Integer call() {
    String script = AutoComplete.bash("micro", spec.root().commandLine());
    switch (shell) {
      case "bash" -> spec.commandLine().getOut().print(script);
      case "zsh" -> spec.commandLine().getOut().print(
          "autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n" + script);
      default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "shell: '" + shell + "' (expected: bash or zsh)");
    }
    spec.commandLine().getOut().flush();
    return 0;
  }
}
