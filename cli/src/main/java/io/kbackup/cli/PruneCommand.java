package io.kbackup.cli;

import io.kbackup.repository.Repository;
import io.kbackup.retention.CalendarSpan;
import io.kbackup.retention.Prune;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Deletes the data no snapshot needs. */
@Command(
    name = "prune",
    description =
        "Delete the data no snapshot needs (after forget, or left by interrupted backups); holds"
            + " the repository alone.")
final class PruneCommand implements Callable<Integer> {

  @Mixin RepositoryOption repo;
  @Mixin MetricsFileOption metrics;

  @Option(
      names = "--grace",
      defaultValue = "1h",
      paramLabel = "SPAN",
      description =
          "Leave unreferenced objects younger than this alone, such as 1h or 2d (default:"
              + " ${DEFAULT-VALUE}).")
  String grace;

  @Option(names = "--dry-run", description = "Report what would be deleted; delete nothing.")
  boolean dryRun;

  @Option(names = "--json", description = "Print the summary as JSON.")
  boolean json;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    CalendarSpan span = CalendarSpan.parse(grace, "--grace");
    try (Repository r = repo.open()) {
      print(new Printer(spec.commandLine().getOut()), new Prune(r).run(span, dryRun), span, json);
      metrics.repository(r);
    }
    return 0;
  }

  static void print(Printer out, Prune.Result result, CalendarSpan grace, boolean json) {
    if (json) {
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("dryRun", result.dryRun());
      summary.put("snapshots", result.snapshots());
      summary.put("referencedObjects", result.referenced());
      summary.put("deletedObjects", result.deleted().size());
      summary.put("deletedBytes", result.bytesDeleted());
      summary.put("youngObjectsKept", result.young());
      summary.put("progressRecordsDeleted", result.progress());
      out.json(summary);
      return;
    }
    out.line(
        String.format(
            "%s %s (%s) no snapshot needs; %s needed by %s; %d"
                + " unreferenced objects younger than %s were left alone%s",
            result.dryRun() ? "would delete" : "deleted",
            Printer.count(result.deleted().size(), "object"),
            Printer.bytes(result.bytesDeleted()),
            Printer.count(result.referenced(), "object")
                + (result.referenced() == 1 ? " is" : " are"),
            Printer.count(result.snapshots(), "snapshot"),
            result.young(),
            grace,
            result.progress() > 0
                ? "; " + result.progress() + " records of interrupted backups removed"
                : ""));
  }
}
