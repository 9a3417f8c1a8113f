package io.kbackup.cli;

import io.kbackup.drill.DrillLog;
import io.kbackup.drill.DrillResult;
import io.kbackup.drill.RestoreDrill;
import io.kbackup.error.ExitCode;
import io.kbackup.kafka.TopicSelector;
import io.kbackup.repository.Repository;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Runs a recovery drill and keeps its result in the repository. */
@Command(
    name = "drill",
    description =
        "Restore a snapshot into scratch topics, compare every record with the backup, delete the"
            + " scratch topics, and keep the result and the time to recover.")
final class DrillCommand implements Callable<Integer> {

  @Mixin RepositoryOption repo;
  @Mixin KafkaOptions kafka;
  @Mixin MetricsFileOption metrics;

  @Option(
      names = "--snapshot",
      defaultValue = "latest",
      paramLabel = "ID",
      description = "Snapshot to drill (default: ${DEFAULT-VALUE}).")
  String snapshotId;

  @Option(
      names = "--topics",
      paramLabel = "REGEX",
      description = "Drill only the topics whose whole name matches (default: all).")
  String topics;

  @Option(names = "--json", description = "Print the result as JSON.")
  boolean json;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Printer out = new Printer(spec.commandLine().getOut());
    try (Repository r = repo.open()) {
      DrillResult result =
          new RestoreDrill(r, kafka.connection())
              .run(snapshotId, TopicSelector.of(topics, null), RestoreDrill.newPrefix());
      DrillLog.save(r.storage(), result);
      metrics.drill(r, result);
      if (json) {
        out.json(summary(result));
      } else {
        print(out, result);
      }
      return result.passed() ? 0 : ExitCode.INTEGRITY;
    }
  }

  static Map<String, Object> summary(DrillResult result) {
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("snapshot", result.snapshotId());
    summary.put("passed", result.passed());
    summary.put("topics", result.topics());
    summary.put("partitions", result.partitions());
    summary.put("records", result.records());
    summary.put("payloadBytes", result.payloadBytes());
    summary.put("restoreSeconds", result.restoreSeconds());
    summary.put("compareSeconds", result.compareSeconds());
    summary.put("mismatches", result.mismatches());
    return summary;
  }

  static void print(Printer out, DrillResult result) {
    result.mismatches().forEach(m -> out.line("mismatch: " + m));
    out.line(
        String.format(
            "drill of snapshot %s: %s. Restored %d records (%s) of %d topics into scratch"
                + " topics %s* in %.1f s (%.1f MiB/s), compared record by record in %.1f s;"
                + " the scratch topics are deleted",
            result.snapshotId(),
            result.passed() ? "passed" : "FAILED",
            result.records(),
            Printer.bytes(result.payloadBytes()),
            result.topics(),
            result.prefix(),
            result.restoreSeconds(),
            result.mibPerSecond(),
            result.compareSeconds()));
  }
}
