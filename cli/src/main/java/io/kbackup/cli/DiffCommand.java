package io.kbackup.cli;

import io.kbackup.metadata.SnapshotDiff;
import io.kbackup.repository.Repository;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Prints what changed between two snapshots, one line a change. */
@Command(
    name = "diff",
    description =
        "Show what changed between two snapshots: topics, configs, records, ACLs, quotas, groups.")
final class DiffCommand implements Callable<Integer> {

  @Mixin RepositoryOption repo;

  @Parameters(index = "0", paramLabel = "SNAPSHOT_A", description = "The earlier snapshot.")
  String first;

  @Parameters(
      index = "1",
      paramLabel = "SNAPSHOT_B",
      description = "The later snapshot, or latest.")
  String second;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Printer out = new Printer(spec.commandLine().getOut());
    try (Repository r = repo.open()) {
      List<String> changes = SnapshotDiff.between(r.snapshot(first), r.snapshot(second));
      if (changes.isEmpty()) {
        out.line("no differences");
      }
      changes.forEach(out::line);
    }
    return 0;
  }
}
