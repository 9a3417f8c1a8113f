package io.kbackup.cli;

import io.kbackup.backup.BackupResult;
import io.kbackup.drill.DrillResult;
import io.kbackup.error.ExitCode;
import io.kbackup.error.KbackupException;
import io.kbackup.metrics.BackupLag;
import io.kbackup.metrics.KbackupMetrics;
import io.kbackup.metrics.KbackupMetrics.FileSystemSpace;
import io.kbackup.metrics.KbackupMetrics.RepositorySize;
import io.kbackup.metrics.MetricsText;
import io.kbackup.repository.Repository;
import io.kbackup.restore.RestoreResult;
import io.kbackup.verify.VerifyReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

/**
 * The {@code --metrics-file} option: after the command, success or failure, the metrics of its job
 * are written in node_exporter's textfile format. The values already in the file (of earlier runs,
 * of any job, also of jobs running alongside) are read when it is written and kept, so counters
 * keep counting and a failure keeps the time of the last success. Commands hand their result over
 * with one call; {@link #execute} around the command records the run itself. A continuous backup
 * writes the file at each snapshot it commits.
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

  /** What this run changes, applied to the file's values as they are when it is written. */
  private final List<Consumer<KbackupMetrics>> changes = new ArrayList<>();

  private String repository = "";
  private Instant runStarted;
  private boolean eachCommitRecorded;
  private Instant repositoryMeasured;

  void backup(Repository r, BackupResult result) {
    Instant now = Instant.now();
    record(
        () -> {
          RepositorySize size = RepositorySize.measure(r);
          return m -> {
            m.backup(repository, result, now);
            m.repository(repository, size);
          };
        });
  }

  /**
   * A snapshot of a continuous backup: its metrics are written at once, as for a backup run that
   * just succeeded. The repository's size, which reads every manifest, is measured at most every 10
   * minutes.
   */
  void committed(Repository r, BackupResult result) {
    if (file == null) {
      return;
    }
    Instant now = Instant.now();
    boolean measure =
        repositoryMeasured == null
            || Duration.between(repositoryMeasured, now).compareTo(Duration.ofMinutes(10)) >= 0;
    record(
        () -> {
          RepositorySize size = measure ? RepositorySize.measure(r) : null;
          FileSystemSpace space = size != null ? size.space() : FileSystemSpace.of(r.storage());
          return m -> {
            m.backup(repository, result, now);
            if (size != null) {
              m.repository(repository, size);
            } else {
              m.fileSystem(repository, space);
            }
          };
        });
    if (measure) {
      repositoryMeasured = now;
    }
    eachCommitRecorded = true;
    try {
      write("backup", now.minus(result.elapsed()), 0, true);
    } catch (KbackupException e) {
      LoggerFactory.getLogger(MetricsFileOption.class).warn(e.getMessage());
    }
    runStarted = now;
  }

  void restore(Repository r, RestoreResult result) {
    record(
        () -> {
          RepositorySize size = RepositorySize.measure(r);
          return m -> {
            m.restore(repository, result);
            m.repository(repository, size);
          };
        });
  }

  /** A verification's report, and the test restore of level 3 when there was one. */
  void verify(RepositoryOption repo, VerifyReport report, DrillResult drill) {
    Instant now = Instant.now();
    record(
        () -> {
          FileSystemSpace space;
          try (var storage = repo.storage()) {
            space = FileSystemSpace.of(storage);
          }
          return m -> {
            m.verify(repository, report, now);
            if (drill != null) {
              m.drill(repository, drill, now);
            }
            m.fileSystem(repository, space);
          };
        });
  }

  void drill(Repository r, DrillResult result) {
    Instant now = Instant.now();
    record(
        () -> {
          RepositorySize size = RepositorySize.measure(r);
          return m -> {
            m.drill(repository, result, now);
            m.repository(repository, size);
          };
        });
  }

  void copy(Repository from, long bytesSent) {
    record(
        () -> {
          RepositorySize size = RepositorySize.measure(from);
          return m -> {
            m.copy(repository, bytesSent);
            m.repository(repository, size);
          };
        });
  }

  /** The backup lag of each topic, measured against the cluster. */
  void lag(List<BackupLag.TopicLag> lags, Instant now) {
    record(
        () ->
            m -> lags.forEach(l -> m.backupLag(repository, l.topic(), l.records(), l.cut(), now)));
  }

  /** For forget and prune: the repository's size and snapshots after the change. */
  void repository(Repository r) {
    record(
        () -> {
          RepositorySize size = RepositorySize.measure(r);
          return m -> m.repository(repository, size);
        });
  }

  /** Measures what the metrics need now, while the repository is open; sets them when written. */
  private interface Recording {
    Consumer<KbackupMetrics> measure() throws IOException;
  }

  /** Metrics are gathered only with --metrics-file, and never fail the command: a gap is logged. */
  private void record(Recording recording) {
    if (file == null) {
      return;
    }
    try {
      changes.add(recording.measure());
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
    option.runStarted = Instant.now();
    int code;
    try {
      code = command.execute(parseResult);
    } catch (CommandLine.ExecutionException e) {
      Throwable cause = e.getCause();
      int failed = cause instanceof KbackupException k ? k.exitCode() : ExitCode.FAILED;
      try {
        option.write(spec.name(), option.runStarted, failed, false);
      } catch (KbackupException notWritten) {
        e.addSuppressed(notWritten);
      }
      throw e;
    }
    try {
      option.write(spec.name(), option.runStarted, code, false);
    } catch (KbackupException e) {
      throw new CommandLine.ExecutionException(commandLine, e.getMessage(), e);
    }
    return code;
  }

  /** The repository's location as a label: as given, less any user information of a URL. */
  static String label(String repo) {
    return repo == null ? "" : repo.replaceFirst("^([a-z0-9+.-]+://)[^/@]*@", "$1");
  }

  /** Checks at the start that the file can be written, and read when it exists. */
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
      MetricsText.read(file);
    } catch (IOException e) {
      throw KbackupException.usage(
          "--metrics-file " + file + " cannot be read: " + e.getMessage(),
          "give a file kbackup may read and write, or remove it to start anew");
    }
  }

  /**
   * Applies this run's changes to the file's values, and the end of a run: each snapshot of a
   * continuous backup counts as a run, so its end counts only when it failed.
   */
  private void write(String job, Instant start, int exitCode, boolean snapshotCommitted) {
    Instant end = Instant.now();
    try {
      MetricsFile.update(
          file,
          m -> {
            changes.forEach(c -> c.accept(m));
            if (snapshotCommitted || !eachCommitRecorded || exitCode != 0) {
              m.jobFinished(job, repository, start, end, exitCode);
            }
          });
      changes.clear();
    } catch (IOException e) {
      throw KbackupException.failed(
          "cannot write the metrics file " + file + ": " + e.getMessage(),
          "check the disk and the permissions of its directory; the command itself finished",
          e);
    }
  }
}
