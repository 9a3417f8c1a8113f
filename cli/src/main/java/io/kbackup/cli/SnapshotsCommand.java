package io.kbackup.cli;

import io.kbackup.drill.DrillLog;
import io.kbackup.drill.DrillResult;
import io.kbackup.error.KbackupException;
import io.kbackup.error.Untrusted;
import io.kbackup.repository.Repository;
import io.kbackup.repository.SnapshotHistory;
import io.kbackup.repository.SnapshotManifest;
import io.kbackup.repository.TopicSnapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "snapshots",
    description = "List the snapshots of a repository, with the last recovery drill of each.")
final class SnapshotsCommand implements Callable<Integer> {

  @Mixin RepositoryOption repo;

  @Option(names = "--json", description = "Print one JSON document per snapshot.")
  boolean json;

  @Option(
      names = "--last",
      paramLabel = "N",
      description =
          "Only the N newest snapshots, reading only their manifests (a continuous backup keeps"
              + " many).")
  Integer last;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Printer printer = new Printer(spec.commandLine().getOut());
    try (Repository r = repo.open()) {
      List<SnapshotManifest> snapshots = last == null ? r.snapshots() : newest(r, last);
      Map<String, DrillResult> drills = DrillLog.latestBySnapshot(r.storage());
      if (json) {
        for (SnapshotManifest s : snapshots) {
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("id", s.id());
          row.put("createdAt", s.createdAt());
          row.put("cutTime", s.cutTime());
          row.put("clusterId", s.clusterId());
          row.put("topics", s.topics().stream().map(TopicSnapshot::name).toList());
          row.put("partitions", s.partitionCount());
          row.put("records", s.recordCount());
          row.put("storedBytes", s.storedBytes());
          row.put("parent", s.parentId());
          DrillResult drill = drills.get(s.id());
          if (drill != null) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("at", drill.startedAt());
            d.put("passed", drill.passed());
            d.put("restoreSeconds", drill.restoreSeconds());
            d.put("records", drill.records());
            row.put("lastDrill", d);
          }
          printer.json("snapshot", row);
        }
        return 0;
      }
      List<List<String>> rows = new ArrayList<>();
      for (SnapshotManifest s : snapshots) {
        rows.add(
            List.of(
                s.id(),
                s.createdAt(),
                Untrusted.text(s.clusterId()),
                Integer.toString(s.topics().size()),
                Integer.toString(s.partitionCount()),
                Long.toString(s.recordCount()),
                Printer.bytes(s.storedBytes()),
                drill(drills.get(s.id()))));
      }
      printer.table(
          List.of("ID", "CREATED", "CLUSTER", "TOPICS", "PARTITIONS", "RECORDS", "SIZE", "DRILL"),
          rows);
    }
    return 0;
  }

  /** The newest snapshots, oldest of them first. */
  private static List<SnapshotManifest> newest(Repository r, int count) throws java.io.IOException {
    if (count < 1) {
      throw KbackupException.usage(
          "--last " + count + " is not a positive number", "give 1 or more");
    }
    SnapshotHistory history = r.history();
    List<SnapshotManifest> newest = new ArrayList<>();
    for (int i = Math.min(count, history.size()) - 1; i >= 0; i--) {
      newest.add(history.get(i));
    }
    return newest;
  }

  /** The last drill of a snapshot: whether it restored, and how long it took. */
  private static String drill(DrillResult d) {
    if (d == null) {
      return "-";
    }
    return (d.passed() ? "passed" : "FAILED")
        + String.format(" %.1f s ", d.restoreSeconds())
        + d.startedAt().substring(0, Math.min(16, d.startedAt().length()))
        + "Z";
  }
}
