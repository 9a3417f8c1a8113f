package io.kbackup.cli;

import io.kbackup.metrics.BackupLag;
import io.kbackup.repository.Repository;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** How far the newest snapshots are behind the cluster, per topic. */
@Command(
    name = "lag",
    description =
        "Show, per topic, the records in Kafka not yet in a snapshot and the age of the newest"
            + " snapshot's cut (the recovery point); with --metrics-file, keep them there between"
            + " backups.")
final class LagCommand implements Callable<Integer> {

  @Mixin RepositoryOption repo;
  @Mixin KafkaOptions kafka;
  @Mixin MetricsFileOption metrics;

  @Option(names = "--json", description = "Print one JSON line per topic (type lag).")
  boolean json;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Printer out = new Printer(spec.commandLine().getOut());
    try (Repository r = repo.open()) {
      Instant now = Instant.now();
      List<BackupLag.TopicLag> lags = BackupLag.measure(r, kafka.connection());
      metrics.lag(lags, now);
      if (json) {
        for (BackupLag.TopicLag l : lags) {
          Map<String, Object> line = new LinkedHashMap<>();
          line.put("topic", l.topic());
          line.put("records", l.records());
          line.put("cut", l.cut().toString());
          line.put("ageSeconds", Duration.between(l.cut(), now).toMillis() / 1000.0);
          out.json("lag", line);
        }
        return 0;
      }
      if (lags.isEmpty()) {
        out.line("no snapshot of this cluster holds a topic that still exists");
        return 0;
      }
      List<List<String>> rows = new ArrayList<>();
      for (BackupLag.TopicLag l : lags) {
        rows.add(
            List.of(
                l.topic(),
                Long.toString(l.records()),
                l.cut().toString(),
                Duration.between(l.cut(), now).toSeconds() + " s"));
      }
      out.table(List.of("TOPIC", "RECORDS-BEHIND", "CUT", "AGE"), rows);
    }
    return 0;
  }
}
