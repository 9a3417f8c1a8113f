package io.kbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompletionCommandTest {

  @TempDir Path dir;

  @Test
  void bashCompletionHasAFunctionForTheCommandAndEachSubcommand() {
    CliRunner.Result r = CliRunner.run("completion", "bash");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out())
        .startsWith("#!/usr/bin/env bash")
        .contains("function _complete_kbackup()")
        .contains("function _picocli_kbackup()")
        .contains("function _picocli_kbackup_backup()")
        .contains("function _picocli_kbackup_restore()")
        .contains("function _picocli_kbackup_completion()")
        .contains("complete -F _complete_kbackup -o default kbackup");
  }

  @Test
  void zshCompletionLoadsBashCompletionFirstThenTheSameScript() {
    CliRunner.Result bash = CliRunner.run("completion", "bash");
    CliRunner.Result zsh = CliRunner.run("completion", "zsh");

    assertThat(zsh.exitCode()).as(zsh.err()).isZero();
    assertThat(zsh.out()).isEqualTo(CompletionCommand.ZSH_PREAMBLE + bash.out());
    assertThat(zsh.out().lines().limit(3))
        .containsExactly(
            "# kbackup completion for zsh, through zsh's emulation of bash completion",
            "(( $+functions[compdef] )) || { autoload -U +X compinit && compinit }",
            "autoload -U +X bashcompinit && bashcompinit");
  }

  @Test
  void anUnknownShellIsAUsageError() {
    CliRunner.Result r = CliRunner.run("completion", "fish");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .isEqualTo(
            "kbackup: error: no completion for shell 'fish': kbackup completes bash and zsh"
                + System.lineSeparator()
                + "  hint: run `kbackup completion bash` or `kbackup completion zsh`"
                + System.lineSeparator());
  }

  @Test
  void bashCompletesSubcommandsAndTheirOptions() throws Exception {
    Path script = dir.resolve("kbackup.bash");
    Files.writeString(script, CliRunner.run("completion", "bash").out());

    assertThat(complete(script, "kbackup", "res")).isEqualTo("restore");
    assertThat(complete(script, "kbackup", "comp")).isEqualTo("completion");
    assertThat(complete(script, "kbackup", "completion", "z")).isEqualTo("zsh");
    assertThat(complete(script, "kbackup", "restore", "--dry")).isEqualTo("--dry-run");
    assertThat(complete(script, "kbackup", "backup", "--bootstrap-s"))
        .isEqualTo("--bootstrap-server");
  }

  /** What bash offers for the last word, as a person pressing TAB twice would see it. */
  private String complete(Path script, String... words) throws Exception {
    String line = String.join(" ", words);
    String program =
        // compopt works only while bash runs a completion for a key press; here nothing does
        "compopt() { :; }; source \"$1\"; COMP_WORDS=("
            + line
            + "); COMP_CWORD="
            + (words.length - 1)
            + "; COMP_LINE='"
            + line
            + "'; _complete_kbackup; echo \"${COMPREPLY[*]}\"";
    Process bash =
        new ProcessBuilder(
                "bash", "--norc", "--noprofile", "-c", program, "bash", script.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(bash.exitValue()).as(out).isZero();
    return out.strip();
  }
}
