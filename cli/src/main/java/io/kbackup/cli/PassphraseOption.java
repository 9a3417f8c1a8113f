package io.kbackup.cli;

import io.kbackup.error.KbackupException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where the passphrase of an encrypted repository comes from, in this order: {@code
 * --password-file}, then the environment: {@code KBACKUP_PASSWORD_FILE}, {@code
 * KBACKUP_PASSWORD_COMMAND} (its first line of output), {@code KBACKUP_PASSWORD}. The passphrase is
 * never printed or logged.
 */
final class PassphraseOption {

  @Option(
      names = "--password-file",
      paramLabel = "FILE",
      description =
          "File whose first line is the passphrase of an encrypted repository (or set"
              + " KBACKUP_PASSWORD_FILE, KBACKUP_PASSWORD_COMMAND or KBACKUP_PASSWORD).")
  Path file;

  /** The environment variables' prefix: another for a second repository, such as copy's. */
  String variable = "KBACKUP_PASSWORD";

  /** The passphrase, or null when none was given. */
  String get() {
    return resolve(file, variable, System.getenv());
  }

  /** Whether a passphrase was given at all, told without reading a file or running a command. */
  boolean given() {
    Map<String, String> env = System.getenv();
    return file != null
        || env.get(variable + "_FILE") != null
        || env.get(variable + "_COMMAND") != null
        || env.get(variable) != null;
  }

  /** The passphrase from a file option, or the environment variables of a prefix; null if none. */
  static String resolve(Path file, String variable, Map<String, String> env) {
    if (file != null) {
      return firstLine(file, "--password-file");
    }
    if (env.get(variable + "_FILE") != null) {
      return firstLine(Path.of(env.get(variable + "_FILE")), variable + "_FILE");
    }
    if (env.get(variable + "_COMMAND") != null) {
      return new PasswordCommand().run(env.get(variable + "_COMMAND"), variable + "_COMMAND");
    }
    return env.get(variable);
  }

  private static String firstLine(Path file, String source) {
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      return text.lines().findFirst().orElse("");
    } catch (IOException e) {
      throw KbackupException.usage(
          source + ": cannot read " + file, "check that the file exists and may be read");
    }
  }
}
