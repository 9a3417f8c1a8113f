package io.kbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kbackup.error.KbackupException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** KBACKUP_PASSWORD_COMMAND: its first line is the passphrase, and a command that hangs stops. */
class PasswordCommandTest {

  static final String SOURCE = "KBACKUP_PASSWORD_COMMAND";

  @TempDir Path dir;

  @Test
  void theFirstLineOfTheOutputIsThePassphrase() {
    assertThat(new PasswordCommand().run("printf 'pass phrase\\nmore\\n'", SOURCE))
        .isEqualTo("pass phrase");
  }

  @Test
  void aCommandThatHangsIsStoppedWithEveryProcessItStartedWhenItsTimeIsUp() throws Exception {
    Path pid = dir.resolve("child.pid");
    // the shell waits for a child that sleeps and holds the output open
    String command = "sleep 30 & echo $! > " + pid + "; wait";
    long start = System.nanoTime();

    assertThatThrownBy(() -> new PasswordCommand(Duration.ofSeconds(1)).run(command, SOURCE))
        .isInstanceOf(KbackupException.class)
        .hasMessage("KBACKUP_PASSWORD_COMMAND did not finish within 1 s and was stopped")
        .extracting(e -> ((KbackupException) e).exitCode())
        .isEqualTo(2);

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    long child = Long.parseLong(Files.readString(pid).trim());
    // the sleeping child was stopped too (it would otherwise run for 30 s)
    for (ProcessHandle p : ProcessHandle.of(child).stream().toList()) {
      p.onExit().get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aCommandThatFailsNamesItsExitCode() {
    assertThatThrownBy(() -> new PasswordCommand().run("echo secret; exit 3", SOURCE))
        .isInstanceOf(KbackupException.class)
        .hasMessage("KBACKUP_PASSWORD_COMMAND failed with exit code 3");
  }
}
