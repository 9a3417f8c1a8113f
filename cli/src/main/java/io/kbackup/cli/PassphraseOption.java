package io.kbackup.cli;

import io.kbackup.error.KbackupException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
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

  /** Where the environment variables are read; tests give their own. */
  static Supplier<Map<String, String>> environment = System::getenv;

  /** The environment variables' prefix: another for a second repository, such as copy's. */
  String variable = "KBACKUP_PASSWORD";

  /** The passphrase, or null when none was given. */
  String get() {
    return resolve(file, variable, environment.get());
  }

  /** Whether a passphrase was given at all, told without reading a file or running a command. */
  boolean given() {
    return source() != null;
  }

  /**
   * Where the passphrase comes from ({@code --password-file} or the name of the environment
   * variable), or null when none was given; told without reading a file or running a command.
   */
  String source() {
    if (file != null) {
      return "--password-file";
    }
    Map<String, String> env = environment.get();
    for (String name : List.of(variable + "_FILE", variable + "_COMMAND", variable)) {
      if (env.get(name) != null) {
        return name;
      }
    }
    return null;
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
