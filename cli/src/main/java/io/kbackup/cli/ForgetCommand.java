package io.kbackup.cli;

import io.kbackup.error.KbackupException;
import io.kbackup.repository.Repository;
import io.kbackup.repository.SnapshotManifest;
import io.kbackup.retention.CalendarSpan;
import io.kbackup.retention.Forget;
import io.kbackup.retention.Prune;
import io.kbackup.retention.RetentionPolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Removes the snapshots a retention policy does not keep. */
@Command(
    name = "forget",
    description =
        "Remove the snapshots a retention policy does not keep (per cluster and topic selection;"
            + " the newest of each is always kept); with --prune, delete the data no snapshot"
            + " needs then.")
final class ForgetCommand implements Callable<Integer> {

  @Mixin RepositoryOption repo;
  @Mixin MetricsFileOption metrics;

  @Mixin RetentionOptions retention;

  @Option(names = "--dry-run", description = "Show what would be removed; remove nothing.")
  boolean dryRun;

  @Option(
      names = "--allow-topic-loss",
      description =
          "Apply the policy to all snapshots of a cluster as one series, even where that removes"
              + " the last snapshot of a topic (the output names those topics).")
  boolean allowTopicLoss;

  @Option(names = "--prune", description = "Then delete the data no snapshot needs.")
  boolean prune;

  @Option(
      names = "--grace",
      defaultValue = "1h",
      paramLabel = "SPAN",
      description =
          "With --prune: leave younger unreferenced objects alone (default: ${DEFAULT-VALUE}).")
  String grace;

  @Option(names = "--json", description = "Print the decision as JSON.")
  boolean json;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    RetentionPolicy policy = retention.policy();
    if (policy.isEmpty()) {
      throw KbackupException.usage(
          "no --keep option given: forget would remove every snapshot but the newest",
          "say what to keep, for example --keep-daily 7 --keep-weekly 4 --keep-monthly 12");
    }
    CalendarSpan graceSpan = CalendarSpan.parse(grace, "--grace");
    Printer out = new Printer(spec.commandLine().getOut());
    try (Repository r = repo.open()) {
      Forget.Result result = new Forget(r).run(policy, allowTopicLoss, dryRun);
      if (json) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("dryRun", dryRun);
        List<Map<String, Object>> kept = new ArrayList<>();
        for (Forget.Kept k : result.kept()) {
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("id", k.snapshot().id());
          row.put("reasons", k.reasons());
          kept.add(row);
        }
        summary.put("kept", kept);
        summary.put("removed", result.removed().stream().map(SnapshotManifest::id).toList());
        summary.put("topicsLost", List.copyOf(result.topicsLost()));
        out.json(summary);
      } else {
        List<List<String>> rows = new ArrayList<>();
        for (Forget.Kept k : result.kept()) {
          rows.add(
              List.of(
                  "keep",
                  k.snapshot().id(),
                  k.snapshot().createdAt(),
                  String.join(", ", k.reasons())));
        }
        for (SnapshotManifest s : result.removed()) {
          rows.add(List.of(dryRun ? "would remove" : "remove", s.id(), s.createdAt(), "-"));
        }
        out.table(List.of("ACTION", "SNAPSHOT", "CREATED", "KEPT BY"), rows);
        out.line(
            String.format(
                "%s %s, kept %d",
                dryRun ? "would remove" : "removed",
                Printer.count(result.removed().size(), "snapshot"),
                result.kept().size()));
        if (!result.topicsLost().isEmpty()) {
          out.line(
              (dryRun ? "would leave no snapshot of topics: " : "left no snapshot of topics: ")
                  + String.join(", ", result.topicsLost()));
        }
      }
      if (prune) {
        PruneCommand.print(out, new Prune(r).run(graceSpan, dryRun), graceSpan, json);
      }
      metrics.repository(r);
    }
    return 0;
  }
}
