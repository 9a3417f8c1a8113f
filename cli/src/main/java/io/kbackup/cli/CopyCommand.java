package io.kbackup.cli;

import io.kbackup.copy.Copy;
import io.kbackup.error.KbackupException;
import io.kbackup.repository.Repository;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Copies snapshots into another repository. */
@Command(
    name = "copy",
    description =
        "Copy snapshots into another repository (any storage, its own encryption), sending only"
            + " what it lacks; every object is checked against its SHA-256 on both sides.")
final class CopyCommand implements Callable<Integer> {

  @Mixin RepositoryOption repo;
  @Mixin MetricsFileOption metrics;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "URL",
      description =
          "The destination repository: a directory path, file:PATH or s3://BUCKET/PREFIX.")
  String to;

  @Option(
      names = "--to-password-file",
      paramLabel = "FILE",
      description =
          "Passphrase file of an encrypted destination (or set KBACKUP_TO_PASSWORD_FILE,"
              + " KBACKUP_TO_PASSWORD_COMMAND or KBACKUP_TO_PASSWORD).")
  Path toPasswordFile;

  @Option(names = "--to-s3-endpoint", paramLabel = "URL", description = "As --s3-endpoint.")
  String toS3Endpoint;

  @Option(names = "--to-s3-region", paramLabel = "REGION", description = "As --s3-region.")
  String toS3Region;

  @Option(names = "--to-s3-path-style", description = "As --s3-path-style.")
  boolean toS3PathStyle;

  @Option(
      names = "--to-s3-storage-class",
      paramLabel = "CLASS",
      description = "As --s3-storage-class.")
  String toS3StorageClass;

  @Option(names = "--to-azure-endpoint", paramLabel = "URL", description = "As --azure-endpoint.")
  String toAzureEndpoint;

  @Option(
      names = "--snapshot",
      paramLabel = "ID",
      description = "Copy only this snapshot (an id or latest); default: every snapshot.")
  String snapshotId;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Printer out = new Printer(spec.commandLine().getOut());
    try (Repository from = repo.open();
        Repository into = destination().open()) {
      into.refuseUnencryptedWrites();
      if (from.config().id().equals(into.config().id())) {
        throw KbackupException.usage(
            "--to is the same repository as --repo", "give another repository to copy into");
      }
      List<Copy.Copied> copied = new Copy(from, into).run(snapshotId);
      metrics.copy(from, copied.stream().mapToLong(Copy.Copied::bytes).sum());
      for (Copy.Copied c : copied) {
        out.line(
            c.alreadyThere()
                ? "snapshot " + c.snapshotId() + " is already there"
                : String.format(
                    "copied snapshot %s: %d objects (%s) sent, %d already there",
                    c.snapshotId(), c.sent(), Printer.bytes(c.bytes()), c.present()));
      }
    }
    return 0;
  }

  /** The destination, described with the --to options as --repo is with its own. */
  private RepositoryOption destination() {
    RepositoryOption d = new RepositoryOption();
    d.repo = to;
    d.s3 = new S3Options();
    d.s3.endpoint = toS3Endpoint;
    d.s3.region = toS3Region;
    d.s3.pathStyle = toS3PathStyle;
    d.s3.storageClass = toS3StorageClass;
    d.azure = new AzureOptions();
    d.azure.endpoint = toAzureEndpoint;
    d.password = new PassphraseOption();
    d.password.file = toPasswordFile;
    d.password.variable = "KBACKUP_TO_PASSWORD";
    d.mixee = repo.mixee; // its warnings go where this command's do
    return d;
  }
}
