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
      description = "Compression of record batches: zstd or none (default: ${DEFAULT-VALUE}).")
  String compression;

  @Option(
      names = "--compression-level",
      defaultValue = "1",
      description = "zstd level (default: ${DEFAULT-VALUE}).")
  int level;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Codec codec;
    try {
      codec = Codec.fromName(compression);
    } catch (IllegalArgumentException e) {
      throw io.kbackup.error.KbackupException.usage(
          "unknown compression " + compression, "use --compression zstd or --compression none");
    }
    SegmentSettings defaults = SegmentSettings.defaults();
    SegmentSettings settings =
        new SegmentSettings(codec, level, defaults.batchBytes(), defaults.segmentBytes());
    try (Repository r = Repository.init(repo.storage(), settings)) {
      new Printer(spec.commandLine().getOut())
          .line("created repository " + r.config().id() + " at " + r.storage().location());
    }
    return 0;
  }
}
