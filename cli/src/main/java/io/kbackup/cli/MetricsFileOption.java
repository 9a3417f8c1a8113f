package io.kbackup.cli;

import io.kbackup.backup.BackupResult;
import io.kbackup.drill.DrillResult;
import io.kbackup.error.ExitCode;
import io.kbackup.error.KbackupException;
import io.kbackup.metrics.KbackupMetrics;
import io.kbackup.metrics.MetricsText;
import io.kbackup.repository.Repository;
import io.kbackup.restore.RestoreResult;
import io.kbackup.verify.VerifyReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

/**
 * The {@code --metrics-file} option: after the command, success or failure, the metrics of its job
 * are written in node_exporter's textfile format. The metrics already in the file (of earlier runs,
 * of any job) are read first and kept, so counters keep counting and a failure keeps the time of
 * the last success. Commands hand their result over with one call; {@link #execute} around the
 * command records the run itself.
 */
final class MetricsFileOption {

  @Option(
      names = "--metrics-file",
      paramLabel = "FILE",
      description =
          "After the run, write its metrics to FILE (Prometheus text format, replaced whole) for"
              + " node_exporter's textfile collector, such as"
              + " /var/lib/node_exporter/kbackup_backup.prom.")
  Path file;

  private final KbackupMetrics metrics = new KbackupMetrics();
  private String repository = "";

  void backup(Repository r, BackupResult result) {
    record(
        () -> {
          metrics.backup(repository, result, Instant.now());
          metrics.repository(repository, r);
        });
  }

  void restore(Repository r, RestoreResult result) {
    record(
        () -> {
          metrics.restore(repository, result);
          metrics.repository(repository, r);
        });
  }

  /** A verification's report, and the test restore of level 3 when there was one. */
  void verify(RepositoryOption repo, VerifyReport report, DrillResult drill) {
    record(
        () -> {
          metrics.verify(repository, report, Instant.now());
          if (drill != null) {
            metrics.drill(repository, drill, Instant.now());
          }
          try (var storage = repo.storage()) {
            metrics.fileSystem(repository, storage);
          }
        });
  }

  void drill(Repository r, DrillResult result) {
    record(
        () -> {
          metrics.drill(repository, result, Instant.now());
          metrics.repository(repository, r);
        });
  }

  void copy(Repository from, long bytesSent) {
    record(
        () -> {
          metrics.copy(repository, bytesSent);
          metrics.repository(repository, from);
        });
  }

  /** For forget and prune: the repository's size and snapshots after the change. */
  void repository(Repository r) {
    record(() -> metrics.repository(repository, r));
  }

  private interface Recording {
    void run() throws IOException;
  }

  /** Metrics are gathered only with --metrics-file, and never fail the command: a gap is logged. */
  private void record(Recording recording) {
    if (file == null) {
      return;
    }
    try {
      recording.run();
    } catch (IOException | RuntimeException e) {
      LoggerFactory.getLogger(MetricsFileOption.class)
          .warn("some metrics could not be gathered: {}", e.toString());
    }
  }

  /**
   * Runs the command; when it has a {@code --metrics-file}, checks first that the file can be
   * written, and afterwards writes it, also when the command failed (before its error is reported,
   * which stays as it was).
   */
  static int execute(ParseResult parseResult, CommandLine.IExecutionStrategy command) {
    ParseResult last = parseResult;
    while (last.hasSubcommand()) {
      last = last.subcommand();
    }
    CommandLine.Model.CommandSpec spec = last.commandSpec();
    var mixin = spec.mixins().get("metrics");
    if (mixin == null
        || !(mixin.userObject() instanceof MetricsFileOption option)
        || option.file == null
        || last.isUsageHelpRequested()
        || last.isVersionHelpRequested()) {
      return command.execute(parseResult);
    }
    var repoMixin = spec.mixins().get("repo");
    if (repoMixin != null && repoMixin.userObject() instanceof RepositoryOption repo) {
      option.repository = label(repo.repo);
    }
    CommandLine commandLine = spec.commandLine();
    try {
      option.load();
    } catch (KbackupException e) {
      throw new CommandLine.ExecutionException(commandLine, e.getMessage(), e);
    }
    Instant start = Instant.now();
    int code;
    try {
      code = command.execute(parseResult);
    } catch (CommandLine.ExecutionException e) {
      Throwable cause = e.getCause();
      int failed = cause instanceof KbackupException k ? k.exitCode() : ExitCode.FAILED;
      try {
        option.write(spec.name(), start, failed);
      } catch (KbackupException notWritten) {
        e.addSuppressed(notWritten);
      }
      throw e;
    }
    try {
      option.write(spec.name(), start, code);
    } catch (KbackupException e) {
      throw new CommandLine.ExecutionException(commandLine, e.getMessage(), e);
    }
    return code;
  }

  /** The repository's location as a label: as given, less any user information of a URL. */
  static String label(String repo) {
    return repo == null ? "" : repo.replaceFirst("^([a-z0-9+.-]+://)[^/@]*@", "$1");
  }

  private void load() {
    Path dir = file.toAbsolutePath().getParent();
    if (dir == null || !Files.isDirectory(dir) || !Files.isWritable(dir)) {
      throw KbackupException.usage(
          "--metrics-file "
              + file
              + ": the directory "
              + dir
              + " does not exist or is not writable",
          "create it or give a file in a directory kbackup may write, such as"
              + " /var/lib/node_exporter/kbackup_backup.prom");
    }
    try {
      metrics.load(MetricsText.read(file));
    } catch (IOException e) {
      throw KbackupException.usage(
          "--metrics-file " + file + " cannot be read: " + e.getMessage(),
          "give a file kbackup may read and write, or remove it to start anew");
    }
  }

  private void write(String job, Instant start, int exitCode) {
    metrics.jobFinished(job, repository, start, Instant.now(), exitCode);
    try {
      MetricsText.writeAtomically(file, metrics.text());
    } catch (IOException e) {
      throw KbackupException.failed(
          "cannot write the metrics file " + file + ": " + e.getMessage(),
          "check the disk and the permissions of its directory; the command itself finished",
          e);
    }
  }
}
