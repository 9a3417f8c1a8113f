package io.kbackup.cli;

import io.kbackup.drill.DrillLog;
import io.kbackup.drill.DrillResult;
import io.kbackup.drill.RestoreDrill;
import io.kbackup.error.ExitCode;
import io.kbackup.error.KbackupException;
import io.kbackup.kafka.TopicSelector;
import io.kbackup.progress.Progress;
import io.kbackup.repository.Repository;
import io.kbackup.verify.DataSubset;
import io.kbackup.verify.Problem;
import io.kbackup.verify.Verifier;
import io.kbackup.verify.VerifyOptions;
import io.kbackup.verify.VerifyReport;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "verify",
    description = {
      "Check that a repository's snapshots can be restored.",
      "Level 1: every object a snapshot needs exists with its recorded size; manifests are sound.",
      "Level 2: also every byte read and checked against its SHA-256 and CRC32C, every record"
          + " decoded, indexes and record counts compared with the manifests.",
      "Level 3: also a test restore of the snapshot (default: the latest) into scratch topics of"
          + " the cluster given with --bootstrap-server, compared record by record and deleted"
          + " afterwards, as `kbackup drill` does."
    })
final class VerifyCommand implements Callable<Integer> {

  @Mixin RepositoryOption repo;
  @Mixin MetricsFileOption metrics;

  @Option(
      names = "--snapshot",
      paramLabel = "ID",
      description = "Verify only this snapshot (an id or latest); default: every snapshot.")
  String snapshot;

  @Option(
      names = "--level",
      defaultValue = "1",
      paramLabel = "1|2|3",
      description = "How deeply to check (default 1).")
  int level;

  @ArgGroup(exclusive = false, heading = "Cluster for level 3:%n")
  KafkaOptions kafka;

  @Option(
      names = "--read-data-subset",
      paramLabel = "N/T|P%",
      description =
          "At level 2, read only part of the data: the N-th of T slices, or P%% of the objects,"
              + " those verified least recently first.")
  String subset;

  @Option(
      names = "--json",
      description = "Print JSON lines: a status every 2 s while it works, then the report.")
  boolean json;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (level == 3 && kafka == null) {
      throw KbackupException.usage(
          "--level 3 restores the snapshot into a cluster: give --bootstrap-server",
          "for example --level 3 --bootstrap-server staging-broker:9092");
    }
    VerifyOptions options =
        new VerifyOptions(
            level == 3 && snapshot == null ? "latest" : snapshot,
            level == 3 ? 2 : level,
            subset == null ? null : DataSubset.parse(subset));
    Printer printer = new Printer(spec.commandLine().getOut());
    VerifyReport report;
    Progress progress = new Progress("objects");
    try (var storage = repo.storage();
        ProgressLine line = ProgressLine.start("verify", progress, spec, json)) {
      report = new Verifier(storage, repo.password::get).watchedBy(progress).run(options);
    }
    DrillResult drill = null;
    if (report.clean() && level == 3) {
      drill = drill(options.snapshot());
    }
    metrics.verify(repo, report, drill);
    if (json) {
      Map<String, Object> doc = toJson(report);
      if (drill != null) {
        doc.put("drill", DrillCommand.summary(drill));
      }
      printer.json(doc);
    } else {
      report.problems().forEach(p -> printer.line(p.describe()));
      printer.line(summary(report));
      if (drill != null) {
        DrillCommand.print(printer, drill);
      }
    }
    if (!report.clean()) {
      throw new KbackupException(
          ExitCode.INTEGRITY,
          count(report.problems().size(), "problem") + " found in " + repo.repo,
          "each line above names a damaged object; restore from a snapshot that does not need it,"
              + " or from a copy of the repository");
    }
    return drill == null || drill.passed() ? ExitCode.OK : ExitCode.INTEGRITY;
  }

  /** Level 3: the test restore, compared record by record; its result is kept like a drill's. */
  private DrillResult drill(String snapshotId) throws Exception {
    try (Repository r = repo.open()) {
      DrillResult result =
          new RestoreDrill(r, kafka.connection())
              .run(snapshotId, TopicSelector.all(), RestoreDrill.newPrefix());
      DrillLog.save(r.storage(), result);
      return result;
    }
  }

  private static String summary(VerifyReport r) {
    String what =
        "verified "
            + count(r.snapshots().size(), "snapshot")
            + " at level "
            + r.level()
            + ": "
            + count(r.segments(), "segment");
    if (r.level() >= 2) {
      what +=
          ", "
              + count(r.objectsRead().size(), "data object")
              + " read ("
              + Printer.bytes(r.bytesRead())
              + ")";
    }
    return what + ", " + (r.clean() ? "no problems" : count(r.problems().size(), "problem"));
  }

  private static String count(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  private static Map<String, Object> toJson(VerifyReport r) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("level", r.level());
    doc.put("snapshots", r.snapshots());
    doc.put("segments", r.segments());
    doc.put("objectsRead", r.objectsRead().size());
    doc.put("bytesRead", r.bytesRead());
    doc.put("clean", r.clean());
    doc.put(
        "problems",
        r.problems().stream()
            .map(
                (Problem p) -> {
                  Map<String, Object> m = new LinkedHashMap<>();
                  m.put("kind", p.kind().name());
                  m.put("object", p.object());
                  m.put("topicPartition", p.topicPartition());
                  m.put("firstOffset", p.firstOffset());
                  m.put("lastOffset", p.lastOffset());
                  m.put("detail", p.detail());
                  return m;
                })
            .toList());
    return doc;
  }
}
