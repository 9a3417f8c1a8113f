package io.kbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kbackup.repository.Version;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class VersionTest {

  @Test
  void versionNamesTheReleaseAndTheCommitItWasBuiltFrom() throws Exception {
    CliRunner.Result r = CliRunner.run("--version");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out())
        .isEqualTo(
            "kbackup "
                + System.getProperty("kbackup.expected.version")
                + " (commit "
                + headCommit()
                + ")"
                + System.lineSeparator());
    assertThat(Version.get()).isEqualTo(System.getProperty("kbackup.expected.version"));
  }

  /**
   * The commit the sources are checked out at, or "unknown" for sources without git history or a
   * machine without git, as the build records it.
   */
  private static String headCommit() throws Exception {
    java.nio.file.Path cli =
        java.nio.file.Path.of(System.getProperty("kbackup.source.dir"))
            .toAbsolutePath()
            .normalize();
    ProcessBuilder builder =
        new ProcessBuilder("git", "rev-parse", "--short=7", "HEAD")
            .directory(cli.toFile())
            .redirectErrorStream(true);
    // as the build does: the commit of these sources, never of a checkout they lie in
    builder.environment().put("GIT_CEILING_DIRECTORIES", cli.getParent().getParent().toString());
    Process git;
    try {
      git = builder.start();
    } catch (java.io.IOException noGit) {
      return "unknown";
    }
    String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(git.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return git.exitValue() == 0 ? out : "unknown";
  }
}
