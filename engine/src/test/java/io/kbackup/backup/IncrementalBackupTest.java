package io.kbackup.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.kbackup.kafka.KafkaConnection;
import io.kbackup.kafka.TopicSelector;
import io.kbackup.localkafka.LocalKafka;
import io.kbackup.localkafka.SharedKafka;
import io.kbackup.localkafka.TopicContents;
import io.kbackup.repository.PartitionSnapshot;
import io.kbackup.repository.Repository;
import io.kbackup.restore.Restore;
import io.kbackup.restore.RestoreOptions;
import io.kbackup.restore.RestoreResult;
import io.kbackup.restore.TopicMap;
import io.kbackup.segment.BackupRecord;
import io.kbackup.segment.Codec;
import io.kbackup.segment.SegmentInfo;
import io.kbackup.segment.SegmentSettings;
import io.kbackup.storage.FileSystemStorage;
import io.kbackup.testing.SnapshotRecords;
import io.kbackup.testing.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IncrementalBackupTest {

  static LocalKafka kafka;

  @BeforeAll
  static void broker() {
    kafka = SharedKafka.primary();
  }

  static Repository smallSegments(Path dir) throws Exception {
    return Repository.init(
        new FileSystemStorage(dir), new SegmentSettings(Codec.NONE, 0, 1024, 4096));
  }

  static BackupResult backup(Repository repo, String topic, boolean full) throws Exception {
    return new Backup(
            repo,
            KafkaConnection.of(kafka.bootstrapServers()),
            new BackupOptions(TopicSelector.of(topic, null), full))
        .run();
  }

  static RestoreResult restore(Repository repo, String snapshot, String topic, String target)
      throws Exception {
    return new Restore(
            repo,
            KafkaConnection.of(kafka.bootstrapServers()),
            RestoreOptions.builder()
                .snapshot(snapshot)
                .topics(TopicSelector.of(topic, null))
                .topicMap(TopicMap.parse(topic + "=" + target))
                .parallelism(2)
                .build())
        .run();
  }

  @Test
  void laterBackupsReadOnlyNewRecordsAndReuseEarlierSegments(@TempDir Path dir) throws Exception {
    String topic = "incremental";
    Topics.create(kafka.bootstrapServers(), topic, 2);
    Topics.fill(kafka.bootstrapServers(), topic, 2, 0, 500, (p, i) -> 1_700_000_000_000L + i);
    Repository repo = smallSegments(dir);

    BackupResult first = backup(repo, topic, false);
    assertThat(first.recordsRead()).isEqualTo(1000);
    assertThat(first.snapshot().recordCount()).isEqualTo(1000);
    List<SegmentInfo> firstSegments =
        first.snapshot().topics().get(0).partitions().stream()
            .flatMap(p -> p.segments().stream())
            .toList();
    assertThat(firstSegments.size()).isGreaterThan(2);

    Topics.fill(kafka.bootstrapServers(), topic, 2, 500, 200, (p, i) -> 1_700_000_000_000L + i);
    BackupResult second = backup(repo, topic, false);
    assertThat(second.recordsRead()).isEqualTo(400);
    assertThat(second.segmentsReused()).isEqualTo(firstSegments.size());
    assertThat(second.snapshot().recordCount()).isEqualTo(1400);
    assertThat(second.snapshot().parentId()).isEqualTo(first.snapshot().id());
    List<SegmentInfo> secondSegments =
        second.snapshot().topics().get(0).partitions().stream()
            .flatMap(p -> p.segments().stream())
            .toList();
    assertThat(secondSegments).containsAll(firstSegments);

    BackupResult unchanged = backup(repo, topic, false);
    assertThat(unchanged.recordsRead()).isZero();
    assertThat(unchanged.bytesWritten()).isZero();
    assertThat(unchanged.snapshot().recordCount()).isEqualTo(1400);

    BackupResult full = backup(repo, topic, true);
    assertThat(full.recordsRead()).isEqualTo(1400);
    assertThat(full.segmentsReused()).isZero();

    for (int p = 0; p < 2; p++) {
      List<String> values =
          SnapshotRecords.read(repo, second.snapshot(), topic, p).stream()
              .map(r -> new String(r.value(), StandardCharsets.UTF_8))
              .toList();
      int partition = p;
      assertThat(values)
          .isEqualTo(IntStream.range(0, 700).mapToObj(i -> partition + "-" + i).toList());
    }

    restore(repo, first.snapshot().id(), topic, "incremental-at-first");
    restore(repo, second.snapshot().id(), topic, "incremental-at-second");
    List<TopicContents.Entry> source = TopicContents.read(kafka.bootstrapServers(), topic);
    List<TopicContents.Entry> atFirst =
        TopicContents.read(kafka.bootstrapServers(), "incremental-at-first");
    List<TopicContents.Entry> atSecond =
        TopicContents.read(kafka.bootstrapServers(), "incremental-at-second");
    assertThat(atSecond).isEqualTo(source);
    assertThat(atFirst).isEqualTo(source.stream().filter(e -> e.offset() < 500).toList());
  }

  @Test
  void aSnapshotStartsAtTheLogStartWhenRecordsWereDeleted(@TempDir Path dir) throws Exception {
    String topic = "trimmed";
    Topics.create(kafka.bootstrapServers(), topic, 1);
    Topics.fill(kafka.bootstrapServers(), topic, 1, 0, 1000, (p, i) -> 1_700_000_000_000L + i);
    Repository repo = smallSegments(dir);
    BackupResult first = backup(repo, topic, false);

    Topics.deleteRecordsBefore(kafka.bootstrapServers(), new TopicPartition(topic, 0), 250);
    Topics.fill(kafka.bootstrapServers(), topic, 1, 1000, 100, (p, i) -> 1_700_000_000_000L + i);
    BackupResult second = backup(repo, topic, false);

    PartitionSnapshot p = SnapshotRecords.partition(second.snapshot(), topic, 0);
    assertThat(p.startOffset()).isEqualTo(250);
    assertThat(p.endOffset()).isEqualTo(1100);
    assertThat(p.recordCount()).isEqualTo(850);
    assertThat(second.recordsRead()).isEqualTo(100);
    assertThat(
            SnapshotRecords.read(repo, second.snapshot(), topic, 0).stream()
                .map(BackupRecord::offset)
                .toList())
        .isEqualTo(java.util.stream.LongStream.range(250, 1100).boxed().toList());
    assertThat(SnapshotRecords.partition(first.snapshot(), topic, 0).recordCount()).isEqualTo(1000);

    RestoreResult restored = restore(repo, second.snapshot().id(), topic, "trimmed-restored");
    assertThat(restored.recordsSent()).isEqualTo(850);
    List<String> values =
        TopicContents.read(kafka.bootstrapServers(), "trimmed-restored").stream()
            .map(TopicContents.Entry::value)
            .toList();
    List<String> expected =
        TopicContents.read(kafka.bootstrapServers(), topic).stream()
            .map(TopicContents.Entry::value)
            .toList();
    assertThat(values).hasSize(850).isEqualTo(expected);
  }

  @Test
  void aTopicBackedUpEarlierIsContinuedEvenWhenTheLastSnapshotHeldOtherTopics(@TempDir Path dir)
      throws Exception {
    Topics.create(kafka.bootstrapServers(), "alternate-a", 1);
    Topics.create(kafka.bootstrapServers(), "alternate-b", 1);
    Topics.fill(
        kafka.bootstrapServers(), "alternate-a", 1, 0, 300, (p, i) -> 1_700_000_000_000L + i);
    Topics.fill(
        kafka.bootstrapServers(), "alternate-b", 1, 0, 100, (p, i) -> 1_700_000_000_000L + i);
    Repository repo = smallSegments(dir);

    BackupResult a = backup(repo, "alternate-a", false);
    BackupResult b = backup(repo, "alternate-b", false);
    Topics.fill(
        kafka.bootstrapServers(), "alternate-a", 1, 300, 20, (p, i) -> 1_700_000_000_000L + i);
    BackupResult again = backup(repo, "alternate-a", false);

    assertThat(a.recordsRead()).isEqualTo(300);
    assertThat(b.recordsRead()).isEqualTo(100);
    assertThat(again.recordsRead()).isEqualTo(20);
    assertThat(again.segmentsReused())
        .isEqualTo(a.snapshot().topics().get(0).partitions().get(0).segments().size());
    assertThat(again.snapshot().recordCount()).isEqualTo(320);
  }

  @Test
  void aTopicDeletedAndCreatedAgainUnderTheSameNameIsReadAgainInFull(@TempDir Path dir)
      throws Exception {
    String topic = "recreated";
    Topics.create(kafka.bootstrapServers(), topic, 1);
    Topics.fill(kafka.bootstrapServers(), topic, 1, 0, 200, (p, i) -> 1_700_000_000_000L + i);
    Repository repo = smallSegments(dir);
    BackupResult first = backup(repo, topic, false);

    try (var admin = Topics.admin(kafka.bootstrapServers())) {
      admin.deleteTopics(java.util.List.of(topic)).all().get();
      java.time.Instant deadline = java.time.Instant.now().plusSeconds(30);
      while (admin.listTopics().names().get().contains(topic)
          && java.time.Instant.now().isBefore(deadline)) {
        Thread.sleep(100);
      }
    }
    Thread.sleep(1500); // the broker finishes deleting the old log
    Topics.create(kafka.bootstrapServers(), topic, 1);
    // more records than before, so offsets alone would suggest the old segments still apply
    Topics.fill(kafka.bootstrapServers(), topic, 1, 1000, 300, (p, i) -> 1_700_000_000_000L + i);
    BackupResult second = backup(repo, topic, false);

    assertThat(second.snapshot().topics().get(0).topicId())
        .isNotEqualTo(first.snapshot().topics().get(0).topicId());
    assertThat(second.segmentsReused()).isZero();
    assertThat(second.recordsRead()).isEqualTo(300);
    assertThat(
            SnapshotRecords.read(repo, second.snapshot(), topic, 0).stream()
                .map(r -> new String(r.value(), StandardCharsets.UTF_8))
                .toList())
        .isEqualTo(IntStream.range(1000, 1300).mapToObj(i -> "0-" + i).toList());
  }
}
