package io.kbackup.cli;

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
      description =
          "Encrypt every object (AES-256-GCM) with a random master key, opened by the passphrase"
              + " from --password-file or KBACKUP_PASSWORD* (Argon2id).")
  boolean encrypt;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    SegmentSettings settings = compression.settings();
    String passphrase = null;
    if (encrypt) {
      passphrase = repo.password.get();
      if (passphrase == null || passphrase.isEmpty()) {
        throw io.kbackup.error.KbackupException.usage(
            "--encrypt needs a passphrase",
            "give --password-file FILE, or set KBACKUP_PASSWORD_FILE, KBACKUP_PASSWORD_COMMAND or"
                + " KBACKUP_PASSWORD");
      }
    }
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
}
