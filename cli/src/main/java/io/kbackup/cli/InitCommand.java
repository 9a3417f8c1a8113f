package io.kbackup.cli;

import io.kbackup.repository.Repository;
import io.kbackup.segment.Codec;
import io.kbackup.segment.SegmentSettings;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "init", description = "Create a new, empty repository.")
final class InitCommand implements Callable<Integer> {

  @Mixin RepositoryOption repo;

  @Option(
      names = "--compression",
      defaultValue = "zstd",
      description = "Compression of record batches: zstd, lz4 or none (default: ${DEFAULT-VALUE}).")
  String compression;

  @Option(
      names = "--compression-level",
      defaultValue = "1",
      description =
          "Compression level: zstd -7 (fastest) to 22, lz4 1 (fast) to 17 (default: ${DEFAULT-VALUE}).")
  int level;

  @Option(
      names = "--encrypt",
      description =
          "Encrypt every object (AES-256-GCM) with a random master key, opened by the passphrase"
              + " from --password-file or KBACKUP_PASSWORD* (Argon2id).")
  boolean encrypt;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Codec codec;
    try {
      codec = Codec.fromName(compression);
    } catch (IllegalArgumentException e) {
      throw io.kbackup.error.KbackupException.usage(
          "unknown compression " + compression,
          "use --compression zstd, --compression lz4 or --compression none");
    }
    boolean levelFits =
        switch (codec) {
          case ZSTD -> level >= -7 && level <= 22;
          case LZ4 -> level >= 1 && level <= 17;
          case NONE -> true;
        };
    if (!levelFits) {
      throw io.kbackup.error.KbackupException.usage(
          "--compression-level " + level + " does not suit " + compression,
          "zstd takes -7 to 22, lz4 1 to 17");
    }
    SegmentSettings defaults = SegmentSettings.defaults();
    SegmentSettings settings =
        new SegmentSettings(codec, level, defaults.batchBytes(), defaults.segmentBytes());
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
