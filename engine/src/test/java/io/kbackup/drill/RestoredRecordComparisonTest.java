package io.kbackup.drill;

import static org.assertj.core.api.Assertions.assertThat;

import io.kbackup.backup.Backup;
import io.kbackup.backup.BackupOptions;
import io.kbackup.kafka.KafkaConnection;
import io.kbackup.kafka.TopicSelector;
import io.kbackup.localkafka.SharedKafka;
import io.kbackup.repository.Repository;
import io.kbackup.restore.PartitionRestore;
import io.kbackup.restore.Restore;
import io.kbackup.restore.RestoreOptions;
import io.kbackup.restore.RestoreResult;
import io.kbackup.restore.TopicMap;
import io.kbackup.segment.BackupHeader;
import io.kbackup.segment.BackupRecord;
import io.kbackup.segment.SegmentSettings;
import io.kbackup.storage.FileSystemStorage;
import io.kbackup.testing.Topics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestoredRecordComparisonTest {

  @Test
  void aRestoredCopyThatDiffersIsCaughtRecordByRecord(@TempDir Path dir) throws Exception {
    String b = SharedKafka.primary().bootstrapServers();
    Topics.create(b, "cmp-src", 1);
    Topics.fill(b, "cmp-src", 1, 0, 10, (p, i) -> 1_700_000_000_000L + i);
    Repository repo = Repository.init(new FileSystemStorage(dir), SegmentSettings.defaults());
    KafkaConnection kafka = KafkaConnection.of(b);
    new Backup(repo, kafka, new BackupOptions(TopicSelector.of("cmp-src", null), false)).run();
    RestoreResult restored =
        new Restore(
                repo,
                kafka,
                RestoreOptions.builder()
                    .topicMap(TopicMap.parse("cmp-src=cmp-copy"))
                    .dataOnly(true)
                    .build())
            .run();
    PartitionRestore plan = restored.plan().get(0);
    try (RestoredRecordComparison comparison =
        new RestoredRecordComparison(repo.storage(), kafka, 20)) {
      List<String> none = new ArrayList<>();
      comparison.compare(plan, none);
      assertThat(none).isEmpty();

      // the same records save one value
      Topics.create(b, "cmp-changed", 1);
      Topics.fill(b, "cmp-changed", 1, 0, 4, (p, i) -> 1_700_000_000_000L + i);
      try (KafkaProducer<byte[], byte[]> producer = Topics.producer(b)) {
        producer.send(
            new ProducerRecord<>(
                "cmp-changed", 0, 1_700_000_000_004L, Topics.bytes("k4"), Topics.bytes("other")));
      }
      Topics.fill(b, "cmp-changed", 1, 5, 5, (p, i) -> 1_700_000_000_000L + i);
      List<String> changed = new ArrayList<>();
      comparison.compare(retarget(plan, "cmp-changed"), changed);
      assertThat(changed)
          .containsExactly(
              "cmp-src-0 offset 4 (restored at cmp-changed-0 offset 4) differs in its value");

      // one record more than the snapshot
      Topics.fill(b, "cmp-copy", 1, 10, 1, (p, i) -> 1_700_000_000_000L + i);
      List<String> extra = new ArrayList<>();
      comparison.compare(plan, extra);
      assertThat(extra)
          .containsExactly("cmp-copy-0 holds a record at offset 10 beyond the snapshot's");

      // one record fewer
      Topics.create(b, "cmp-short", 1);
      Topics.fill(b, "cmp-short", 1, 0, 9, (p, i) -> 1_700_000_000_000L + i);
      List<String> missing = new ArrayList<>();
      comparison.compare(retarget(plan, "cmp-short"), missing);
      assertThat(missing)
          .containsExactly("cmp-short-0 holds 9 records, the snapshot 10 from cmp-src-0 offset 0");
    }
  }

  @Test
  void everyFieldButTheOffsetCounts() {
    BackupRecord r =
        new BackupRecord(
            5,
            100,
            TimestampType.CREATE_TIME,
            new byte[] {1},
            new byte[] {2},
            List.of(new BackupHeader("h", null)));
    assertThat(RestoredRecordComparison.difference(r, r)).isNull();
    assertThat(RestoredRecordComparison.difference(r, with(r, 9, 100, r.timestampType(), r.key())))
        .as("offsets may differ")
        .isNull();
    assertThat(RestoredRecordComparison.difference(r, with(r, 5, 101, r.timestampType(), r.key())))
        .isEqualTo("timestamp");
    assertThat(RestoredRecordComparison.difference(r, with(r, 5, 100, r.timestampType(), null)))
        .isEqualTo("key");
    BackupRecord stamped = with(r, 5, 100, TimestampType.LOG_APPEND_TIME, r.key());
    assertThat(RestoredRecordComparison.difference(stamped, r))
        .as("log-append time comes back as create time")
        .isNull();
    assertThat(RestoredRecordComparison.difference(r, stamped)).isEqualTo("timestamp type");
    BackupRecord emptyHeader =
        new BackupRecord(
            5,
            100,
            TimestampType.CREATE_TIME,
            new byte[] {1},
            new byte[] {2},
            List.of(new BackupHeader("h", new byte[0])));
    assertThat(RestoredRecordComparison.difference(r, emptyHeader)).isEqualTo("headers");
  }

  private static BackupRecord with(
      BackupRecord r, long offset, long timestamp, TimestampType type, byte[] key) {
    return new BackupRecord(offset, timestamp, type, key, r.value(), r.headers());
  }

  private static PartitionRestore retarget(PartitionRestore p, String topic) {
    return new PartitionRestore(
        p.source(),
        new TopicPartition(topic, 0),
        p.segments(),
        p.startOffset(),
        p.stopOffset(),
        p.recordCount(),
        p.storedBytes());
  }
}
