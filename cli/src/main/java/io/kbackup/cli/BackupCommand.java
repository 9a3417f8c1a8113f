package io.kbackup.cli;

import io.kbackup.backup.Backup;
import io.kbackup.backup.BackupOptions;
import io.kbackup.backup.BackupResult;
import io.kbackup.backup.ContinuousBackup;
import io.kbackup.error.KbackupException;
import io.kbackup.kafka.TopicSelector;
import io.kbackup.progress.Progress;
import io.kbackup.repository.Repository;
import io.kbackup.schedule.Interval;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "backup",
    description =
        "Take a snapshot of the selected topics (consistent cut, committed records only).")
final class BackupCommand implements Callable<Integer> {

  @Mixin RepositoryOption repo;
  @Mixin KafkaOptions kafka;
  @Mixin MetricsFileOption metrics;

  @Option(
      names = "--topics",
      paramLabel = "REGEX",
      description = "Topics to back up (default: all).")
  String topics;

  @Option(names = "--exclude", paramLabel = "REGEX", description = "Topics to leave out.")
  String exclude;

  @Option(
      names = "--full",
      description = "Read every record again instead of re-using earlier segments.")
  boolean full;

  @Option(
      names = "--include-file",
      paramLabel = "FILE",
      description =
          "A file to keep verbatim with the snapshot, such as a broker's server.properties; repeatable.")
  List<java.nio.file.Path> includeFiles = new java.util.ArrayList<>();

  @Option(
      names = "--json",
      description =
          "Print JSON Lines: a status line every 2 s while it works and a summary (with"
              + " --continuous, one per snapshot).")
  boolean json;

  @Option(
      names = "--continuous",
      description =
          "Keep running: after the first snapshot, tail the topics and commit a snapshot every"
              + " --commit-every or --commit-bytes, until SIGTERM or Ctrl-C, which commits what"
              + " was read and exits with 0.")
  boolean continuous;

  @Option(
      names = "--commit-every",
      paramLabel = "DURATION",
      description =
          "With --continuous: the longest time between snapshots, such as 30s or 5m (default:"
              + " 1m).")
  String commitEvery;

  @Option(
      names = "--commit-bytes",
      paramLabel = "SIZE",
      description =
          "With --continuous: commit a snapshot once this much was read, such as 64MiB"
              + " (default: 256MiB).")
  String commitBytes;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    TopicSelector selector = TopicSelector.of(topics, exclude);
    if (!continuous && (commitEvery != null || commitBytes != null)) {
      throw KbackupException.usage(
          "--commit-every and --commit-bytes apply to continuous backups only",
          "add --continuous, or leave them out");
    }
    ContinuousBackup.Trigger trigger =
        continuous
            ? new ContinuousBackup.Trigger(
                Interval.parse(commitEvery == null ? "1m" : commitEvery, "--commit-every"),
                ByteSize.parse(commitBytes == null ? "256MiB" : commitBytes, "--commit-bytes"))
            : null;
    BackupOptions options = new BackupOptions(selector, full, includeFiles);
    Printer printer = new Printer(spec.commandLine().getOut());
    try (Repository r = repo.open()) {
      Progress progress = new Progress();
      if (continuous) {
        ContinuousBackup backup =
            new ContinuousBackup(r, kafka.connection(), options, trigger).watchedBy(progress);
        ProgressLine line = ProgressLine.start("backup", progress, spec, json);
        return Stopping.gracefully(
            () -> {},
            () -> {
              backup.run(
                  Stopping::continuousBackupShouldEnd,
                  result -> {
                    line.close();
                    metrics.committed(r, result);
                    print(printer, result);
                  });
              line.close();
              return 0;
            });
      }
      BackupResult result;
      try (ProgressLine line = ProgressLine.start("backup", progress, spec, json)) {
        result = new Backup(r, kafka.connection(), options).watchedBy(progress).run();
      }
      metrics.backup(r, result);
      print(printer, result);
    }
    return 0;
  }

  private void print(Printer printer, BackupResult result) {
    double seconds = Math.max(0.001, result.elapsed().toMillis() / 1000.0);
    if (json) {
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("snapshot", result.snapshot().id());
      summary.put("topics", result.snapshot().topics().size());
      summary.put("partitions", result.snapshot().partitionCount());
      summary.put("records", result.snapshot().recordCount());
      summary.put("recordsRead", result.recordsRead());
      summary.put("bytesRead", result.bytesRead());
      summary.put("bytesWritten", result.bytesWritten());
      summary.put("segmentsReused", result.segmentsReused());
      summary.put("segmentsResumed", result.segmentsResumed());
      summary.put("seconds", seconds);
      printer.json(summary);
      return;
    }
    printer.line(
        String.format(
            "snapshot %s: %s, %s, %s (%d read now, %s; %s written, %d segments re-used) in %.1f s",
            result.snapshot().id(),
            Printer.count(result.snapshot().topics().size(), "topic"),
            Printer.count(result.snapshot().partitionCount(), "partition"),
            Printer.count(result.snapshot().recordCount(), "record"),
            result.recordsRead(),
            Printer.bytes(result.bytesRead()),
            Printer.bytes(result.bytesWritten()),
            result.segmentsReused(),
            seconds));
    if (result.segmentsResumed() > 0) {
      printer.line(
          "continued an interrupted backup: "
              + result.segmentsResumed()
              + " segments it had stored were not read again");
    }
  }
}
