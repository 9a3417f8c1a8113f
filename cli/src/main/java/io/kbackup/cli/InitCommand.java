package io.kbackup.cli;

import io.kbackup.error.KbackupException;
import io.kbackup.repository.Repository;
import io.kbackup.segment.SegmentSettings;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "init", description = "Create a new, empty repository.")
final class InitCommand implements Callable<Integer> {

  @Mixin RepositoryOption repo;

  @Mixin CompressionOptions compression;

  @Option(
      names = "--encrypt",
      negatable = true,
      description =
          "Encrypt every object (AES-256-GCM) with a random master key, opened by the passphrase"
              + " from --password-file or KBACKUP_PASSWORD* (Argon2id). --password-file alone"
              + " means --encrypt; a passphrase only in the environment needs --encrypt or"
              + " --no-encrypt.")
  Boolean encrypt;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    SegmentSettings settings = compression.settings();
    String passphrase = passphrase();
    try (Repository r = Repository.init(repo.storage(), settings, passphrase)) {
      new Printer(spec.commandLine().getOut())
          .line(
              "created "
                  + (r.encrypted() ? "encrypted " : "")
                  + "repository "
                  + r.config().id()
                  + " at "
                  + r.storage().location()
                  + (r.encrypted()
                      ? "; keep the passphrase safe: without it the backups cannot be read"
                      : ""));
    }
    return 0;
  }

  /**
   * The passphrase of the new repository, or null for a plain one. A passphrase means encryption:
   * one given on this command line ({@code --password-file}) encrypts without {@code --encrypt}, so
   * that no one hands over a passphrase and gets a plain repository. One found only in the
   * environment may have been set for another repository, so it changes nothing by itself: init
   * asks for {@code --encrypt} or {@code --no-encrypt} rather than guess.
   */
  private String passphrase() {
    String source = repo.password.source();
    if (Boolean.FALSE.equals(encrypt)) {
      if ("--password-file".equals(source)) {
        throw KbackupException.usage(
            "--no-encrypt and --password-file contradict each other",
            "give --password-file (or --encrypt) for an encrypted repository, or neither for a plain"
                + " one");
      }
      if (source != null) {
        spec.commandLine()
            .getErr()
            .println(
                "kbackup: warning: "
                    + source
                    + " is set but not used: the repository is not encrypted, and commands that"
                    + " write to it refuse while a passphrase is given");
      }
      return null;
    }
    if (source == null) {
      if (Boolean.TRUE.equals(encrypt)) {
        throw KbackupException.usage(
            "--encrypt needs a passphrase",
            "give --password-file FILE, or set KBACKUP_PASSWORD_FILE, KBACKUP_PASSWORD_COMMAND or"
                + " KBACKUP_PASSWORD");
      }
      return null;
    }
    if (encrypt == null && !"--password-file".equals(source)) {
      throw KbackupException.usage(
          source + " is set, but neither --encrypt nor --no-encrypt was given",
          "add --encrypt to encrypt the repository with that passphrase, or --no-encrypt for a"
              + " plain repository");
    }
    String passphrase = repo.password.get();
    if (passphrase == null || passphrase.isEmpty()) {
      throw KbackupException.usage(
          "the passphrase from " + source + " is empty",
          "an encrypted repository needs a passphrase: put it on the first line");
    }
    return passphrase;
  }
}
