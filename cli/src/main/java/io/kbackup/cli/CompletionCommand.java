package io.kbackup.cli;

import io.kbackup.error.KbackupException;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Prints a completion script of every command and option, generated from the command line. */
@Command(
    name = "completion",
    description = {
      "Print a shell completion script for bash or zsh.",
      "Load it with `source <(kbackup completion bash)` (or zsh) in ~/.bashrc or ~/.zshrc."
    })
final class CompletionCommand implements Callable<Integer> {

  /**
   * Makes the bash script work in zsh: bashcompinit needs compdef, which only compinit defines; it
   * runs compinit only when the user's startup files did not, since a second run is slow.
   */
  static final String ZSH_PREAMBLE =
      """
      # kbackup completion for zsh, through zsh's emulation of bash completion
      (( $+functions[compdef] )) || { autoload -U +X compinit && compinit }
      autoload -U +X bashcompinit && bashcompinit
      """;

  @Parameters(
      paramLabel = "SHELL",
      completionCandidates = Shells.class,
      description = "bash or zsh")
  String shell;

  /** The shells a script is printed for, offered when completing this command itself. */
  static final class Shells implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return java.util.List.of("bash", "zsh").iterator();
    }
  }

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    String script = AutoComplete.bash("kbackup", spec.root().commandLine());
    String text =
        switch (shell) {
          case "bash" -> script;
          case "zsh" -> ZSH_PREAMBLE + script;
          default ->
              throw KbackupException.usage(
                  "no completion for shell '" + shell + "': kbackup completes bash and zsh",
                  "run `kbackup completion bash` or `kbackup completion zsh`");
        };
    spec.commandLine().getOut().print(text);
    spec.commandLine().getOut().flush();
    return 0;
  }
}
