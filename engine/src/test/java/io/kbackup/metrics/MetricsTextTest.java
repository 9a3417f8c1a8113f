package io.kbackup.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsTextTest {

  static final String REPO = "s3://backups/kafka \"prod\"";

  static double value(String text, String name, Map<String, String> labels) {
    return MetricsText.parse(text).stream()
        .filter(s -> s.name().equals(name) && s.labels().equals(labels))
        .findFirst()
        .orElseThrow(() -> new AssertionError(name + labels + " not in\n" + text))
        .value();
  }

  @Test
  void aFailureLoadedOverAnEarlierRunKeepsTheLastSuccessAndCountsOn(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("kbackup_backup.prom");
    Instant t0 = Instant.parse("2026-11-26T10:00:00Z");
    KbackupMetrics first = new KbackupMetrics();
    first.jobFinished("backup", REPO, t0, t0.plusMillis(1500), 0);
    first.jobFinished("verify", REPO, t0, t0.plusSeconds(3), 13);
    MetricsText.writeAtomically(file, first.text());

    for (int run = 1; run <= 2; run++) {
      KbackupMetrics next = new KbackupMetrics();
      next.load(MetricsText.read(file));
      next.jobFinished("backup", REPO, t0.plusSeconds(3600 * run), t0.plusSeconds(3600 * run), 1);
      MetricsText.writeAtomically(file, next.text());
    }

    String text = Files.readString(file);
    Map<String, String> backup = Map.of("operation", "backup", "repository", REPO);
    assertThat(value(text, "kbackup_last_success_timestamp_seconds", backup))
        .isEqualTo(t0.plusMillis(1500).getEpochSecond() + 0.5);
    assertThat(value(text, "kbackup_failures_total", backup)).isEqualTo(2);
    assertThat(value(text, "kbackup_consecutive_failures", backup)).isEqualTo(2);
    assertThat(value(text, "kbackup_last_run_success", backup)).isZero();
    assertThat(value(text, "kbackup_last_exit_code", backup)).isEqualTo(1);
    // the other job's metrics stay as they were
    Map<String, String> verify = Map.of("operation", "verify", "repository", REPO);
    assertThat(value(text, "kbackup_failures_total", verify)).isEqualTo(1);
    assertThat(value(text, "kbackup_last_duration_seconds", verify)).isEqualTo(3);
    // only the file itself: the temporary file was renamed over it
    try (var files = Files.list(dir)) {
      assertThat(files.toList()).containsExactly(file);
    }
    Promtool.Result check = Promtool.run(text, "check", "metrics");
    assertThat(check.exitCode()).as(check.output()).isZero();
  }

  @Test
  void samplesOfUnknownMetricsOrOtherLabelsAreLeftOut() {
    KbackupMetrics metrics = new KbackupMetrics();
    metrics.load(
        MetricsText.parse(
            "# HELP x y\nnode_load1 3\nkbackup_failures_total{operation=\"backup\"} 4\n"
                + "kbackup_snapshots_wrong 1\n"
                + "kbackup_repository_snapshots{repository=\"r\"} 5\n"));
    String text = metrics.text();
    assertThat(text).doesNotContain("node_load1", "kbackup_failures_total{");
    assertThat(value(text, "kbackup_repository_snapshots", Map.of("repository", "r"))).isEqualTo(5);
  }
}
