package io.kbackup.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.kbackup.backup.Backup;
import io.kbackup.backup.BackupOptions;
import io.kbackup.kafka.KafkaConnection;
import io.kbackup.kafka.TopicSelector;
import io.kbackup.localkafka.LocalKafka;
import io.kbackup.localkafka.SharedKafka;
import io.kbackup.localkafka.TopicContents;
import io.kbackup.localkafka.TopicContents.Entry;
import io.kbackup.repository.Repository;
import io.kbackup.segment.Codec;
import io.kbackup.segment.SegmentSettings;
import io.kbackup.storage.FileSystemStorage;
import io.kbackup.testing.Topics;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PointInTimeRestoreTest {

  static final long BASE = 1_650_000_000_000L;

  @Test
  void everyPartitionStopsAtItsLastRecordAtOrBeforeTheTime(@TempDir Path dir) throws Exception {
    LocalKafka kafka = SharedKafka.primary();
    String topic = "pitr";
    Topics.create(kafka.bootstrapServers(), topic, 3);
    // partition p holds records one second apart, shifted by p*10 ms; partition 2 has a record
    // far in the future at index 30, so its prefix up to the time ends before it
    Topics.fill(
        kafka.bootstrapServers(),
        topic,
        3,
        0,
        100,
        (p, i) -> p == 2 && i == 30 ? BASE + 99_999_999L : BASE + i * 1000L + p * 10L);
    Repository repo =
        Repository.init(new FileSystemStorage(dir), new SegmentSettings(Codec.ZSTD, 1, 512, 2048));
    KafkaConnection connection = KafkaConnection.of(kafka.bootstrapServers());
    new Backup(repo, connection, new BackupOptions(TopicSelector.of(topic, null), false)).run();

    Instant time = Instant.ofEpochMilli(BASE + 50_010);
    RestoreOptions dryRun =
        RestoreOptions.builder()
            .toTime(time)
            .topics(TopicSelector.of(topic, null))
            .topicMap(TopicMap.parse(topic + "=pitr-restored"))
            .parallelism(3)
            .dryRun(true)
            .build();
    RestoreResult plan = new Restore(repo, connection, dryRun).run();
    // p0: i*1000 <= 50010 for i <= 50; p1: i*1000+10 <= 50010 for i <= 50; p2: stops at i = 30
    assertThat(plan.plan().stream().map(PartitionRestore::recordCount).toList())
        .containsExactly(51L, 51L, 30L);
    assertThat(plan.plan().stream().map(PartitionRestore::stopOffset).toList())
        .containsExactly(51L, 51L, 30L);
    assertThat(plan.createdTopics()).containsExactly("pitr-restored");
    try (var admin = Topics.admin(kafka.bootstrapServers())) {
      assertThat(admin.listTopics().names().get()).doesNotContain("pitr-restored");
    }

    RestoreResult result =
        new Restore(
                repo,
                connection,
                RestoreOptions.builder()
                    .toTime(time)
                    .topics(TopicSelector.of(topic, null))
                    .topicMap(TopicMap.parse(topic + "=pitr-restored"))
                    .parallelism(3)
                    .build())
            .run();
    assertThat(result.recordsSent()).isEqualTo(132);

    List<Entry> source = TopicContents.read(kafka.bootstrapServers(), topic);
    List<Entry> restored = TopicContents.read(kafka.bootstrapServers(), "pitr-restored");
    int[] kept = {51, 51, 30};
    for (int p = 0; p < 3; p++) {
      int partition = p;
      List<Entry> expected =
          source.stream()
              .filter(e -> e.partition() == partition && e.offset() < kept[partition])
              .toList();
      assertThat(restored.stream().filter(e -> e.partition() == partition).toList())
          .isEqualTo(expected);
    }
  }
}
