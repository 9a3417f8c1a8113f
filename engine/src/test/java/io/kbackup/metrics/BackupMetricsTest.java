package io.kbackup.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.kbackup.backup.Backup;
import io.kbackup.backup.BackupOptions;
import io.kbackup.backup.BackupResult;
import io.kbackup.kafka.KafkaConnection;
import io.kbackup.kafka.TopicSelector;
import io.kbackup.localkafka.LocalKafka;
import io.kbackup.localkafka.SharedKafka;
import io.kbackup.repository.Repository;
import io.kbackup.segment.Codec;
import io.kbackup.segment.SegmentSettings;
import io.kbackup.storage.FileSystemStorage;
import io.kbackup.testing.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupMetricsTest {

  static LocalKafka kafka;

  @BeforeAll
  static void broker() {
    kafka = SharedKafka.primary();
  }

  private static BackupResult backup(Repository r, String topics) throws Exception {
    return new Backup(
            r,
            KafkaConnection.of(kafka.bootstrapServers()),
            new BackupOptions(TopicSelector.of(topics, null), false))
        .run();
  }

  @Test
  void backupMetricsAndLagFollowTheRecordsAppendedSinceTheCut(@TempDir Path dir) throws Exception {
    String bootstrap = kafka.bootstrapServers();
    Topics.create(bootstrap, "lag-orders", 2);
    Topics.create(bootstrap, "lag-audit", 1);
    Topics.fill(bootstrap, "lag-orders", 2, 0, 10, (p, i) -> 1_700_000_000_000L + i);
    Topics.fill(bootstrap, "lag-audit", 1, 0, 4, (p, i) -> 1_700_000_000_000L + i);
    String label = dir.resolve("repo").toString();
    try (Repository r =
        Repository.init(
            new FileSystemStorage(dir.resolve("repo")),
            new SegmentSettings(Codec.NONE, 0, 1024, 4096))) {
      BackupResult result = backup(r, "lag-.*");
      Instant now = Instant.now();
      KbackupMetrics metrics = new KbackupMetrics();
      metrics.backup(label, result, now);
      metrics.repository(label, r);
      metrics.jobFinished("backup", label, now.minus(result.elapsed()), now, 0);

      String text = metrics.text();
      Map<String, String> job = Map.of("operation", "backup", "repository", label);
      assertThat(MetricsTextTest.value(text, "kbackup_records_read_total", job)).isEqualTo(24);
      assertThat(MetricsTextTest.value(text, "kbackup_records_written_total", job)).isEqualTo(24);
      assertThat(MetricsTextTest.value(text, "kbackup_bytes_written_total", job))
          .isEqualTo(result.bytesWritten());
      Map<String, String> repo = Map.of("repository", label);
      assertThat(MetricsTextTest.value(text, "kbackup_repository_stored_bytes", repo))
          .isEqualTo(result.snapshot().storedBytes());
      assertThat(MetricsTextTest.value(text, "kbackup_repository_snapshots", repo)).isEqualTo(1);
      assertThat(MetricsTextTest.value(text, "kbackup_repository_free_bytes", repo))
          .isEqualTo(
              Files.getFileStore(dir).getUsableSpace(), org.assertj.core.data.Offset.offset(1e9));
      Map<String, String> orders = Map.of("repository", label, "topic", "lag-orders");
      assertThat(MetricsTextTest.value(text, "kbackup_backup_lag_records", orders)).isZero();
      assertThat(MetricsTextTest.value(text, "kbackup_backup_cut_timestamp_seconds", orders))
          .isEqualTo(Instant.parse(result.snapshot().cutTime()).toEpochMilli() / 1000.0);
      Promtool.Result check = Promtool.run(text, "check", "metrics");
      assertThat(check.exitCode()).as(check.output()).isZero();

      // given records appended after the cut, when the lag is refreshed
      Topics.fill(bootstrap, "lag-orders", 2, 10, 3, (p, i) -> 1_700_000_000_000L + i);
      Instant later = Instant.now();
      List<BackupLag.TopicLag> lag =
          BackupLag.refresh(metrics, label, r, KafkaConnection.of(bootstrap), later);
      assertThat(lag)
          .extracting(BackupLag.TopicLag::topic, BackupLag.TopicLag::records)
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple("lag-orders", 6L),
              org.assertj.core.groups.Tuple.tuple("lag-audit", 0L));
      text = metrics.text();
      assertThat(MetricsTextTest.value(text, "kbackup_backup_lag_records", orders)).isEqualTo(6);
      assertThat(MetricsTextTest.value(text, "kbackup_backup_lag_seconds", orders))
          .isEqualTo(
              (later.toEpochMilli() - Instant.parse(result.snapshot().cutTime()).toEpochMilli())
                  / 1000.0);

      // a new backup of one topic catches it up; the other keeps its older cut
      backup(r, "lag-orders");
      lag = BackupLag.refresh(metrics, label, r, KafkaConnection.of(bootstrap), Instant.now());
      assertThat(lag).extracting(BackupLag.TopicLag::records).containsOnly(0L);
      assertThat(MetricsTextTest.value(metrics.text(), "kbackup_backup_lag_records", orders))
          .isZero();

      // once no snapshot holds a topic, it has no lag any more
      r.forget(result.snapshot().id());
      metrics.repository(label, r);
      assertThat(metrics.text())
          .contains("topic=\"lag-orders\"")
          .doesNotContain("topic=\"lag-audit\"");
      assertThat(MetricsTextTest.value(metrics.text(), "kbackup_repository_snapshots", repo))
          .isEqualTo(1);
    }
  }
}
