package io.kbackup.cli;

import io.kbackup.error.KbackupException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs the command of {@code KBACKUP_PASSWORD_COMMAND} and takes the first line of its output as
 * the passphrase. The output is read on another thread while this one waits, so that a command that
 * hangs (asking a vault that does not answer, waiting for input) is stopped, with every process it
 * started, when its time is up.
 */
final class PasswordCommand {

  static final Duration TIMEOUT = Duration.ofSeconds(60);

  /** A passphrase is one line; a command printing more than this is cut off. */
  private static final int MAX_OUTPUT_BYTES = 64 << 10;

  private final Duration timeout;

  PasswordCommand() {
    this(TIMEOUT);
  }

  PasswordCommand(Duration timeout) {
    this.timeout = timeout;
  }

  /** The first line the command prints; {@code source} names it in errors. */
  String run(String command, String source) {
    Process p;
    try {
      p =
          new ProcessBuilder("sh", "-c", command)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      p.getOutputStream().close(); // a command waiting for input gets none
    } catch (IOException e) {
      throw KbackupException.usage(source + " could not be run", "check the command");
    }
    CompletableFuture<byte[]> output = new CompletableFuture<>();
    Thread reader = new Thread(() -> read(p.getInputStream(), output), "kbackup-password-command");
    reader.setDaemon(true); // a reader left blocked by a stray child must not keep kbackup alive
    reader.start();
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      if (!p.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        throw timedOut(p, source);
      }
      byte[] out = output.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (p.exitValue() != 0) {
        throw KbackupException.usage(
            source + " failed with exit code " + p.exitValue(),
            "run the command by hand to see why; its output is the passphrase");
      }
      return new String(out, StandardCharsets.UTF_8).lines().findFirst().orElse("");
    } catch (TimeoutException e) {
      throw timedOut(p, source); // it ended, but something it started still holds its output
    } catch (ExecutionException e) {
      throw KbackupException.usage(source + "'s output could not be read", "check the command");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop(p);
      throw KbackupException.usage(source + " was interrupted", "run it again");
    }
  }

  private KbackupException timedOut(Process p, String source) {
    stop(p);
    return KbackupException.usage(
        source + " did not finish within " + timeout.toSeconds() + " s and was stopped",
        "run the command by hand to see why it hangs; its output is the passphrase");
  }

  /** Stops the command and every process it started; children are found before it is gone. */
  private static void stop(Process p) {
    List<ProcessHandle> children = p.descendants().toList();
    p.destroyForcibly();
    children.forEach(ProcessHandle::destroyForcibly);
  }

  private static void read(InputStream in, CompletableFuture<byte[]> output) {
    try (in) {
      output.complete(in.readNBytes(MAX_OUTPUT_BYTES));
    } catch (IOException e) {
      output.completeExceptionally(e);
    }
  }
}
